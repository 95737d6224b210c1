// MLKEM768-X25519, HPKE KEM id 0x647a: the X-Wing hybrid of ML-KEM-768 (FIPS 203) and X25519
// (RFC 7748), as draft-ietf-hpke-pq-03 and draft-connolly-cfrg-xwing-kem define it and age's
// post-quantum recipient uses it (c2sp.org/age, filippo.io/hpke-pq). A private key is a 32-byte
// seed: SHAKE256(seed, 96) gives the ML-KEM seed d || z (64 bytes) and the X25519 scalar (32).
// The public key is ek_PQ (1184) || ek_T (32), the encapsulation ct_PQ (1088) || ct_T (32), and
// the shared secret SHA3-256(ss_PQ || ss_T || ct_T || ek_T || "\.//^\"): X-Wing hashes only the
// X25519 half's public values, ML-KEM binding its own ciphertext and key.
//
// Secrets are handled in constant time by the ML-KEM and X25519 code underneath. An all-zero
// X25519 output (a small-order point in ct_T or ek_T) is refused, as age's test kit expects, and
// so is an encapsulation key that fails ML-KEM's modulus check (FIPS 203 §7.2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/mlkem.hpp"

namespace carapace::hpke {

// The KEM as a type for hpke.hpp's templates: its sizes and its operations.
struct mlkem768_x25519 {
    static constexpr std::uint16_t id = 0x647a;  // the KEM's HPKE id
    static constexpr std::size_t pq_public_key_size = mlkem768::encapsulation_key_size;  // 1184
    static constexpr std::size_t pq_ciphertext_size = mlkem768::ciphertext_size;         // 1088
    static constexpr std::size_t public_key_size = pq_public_key_size + 32;              // Npk 1216
    static constexpr std::size_t private_key_size = 32;                                  // Nsk
    static constexpr std::size_t enc_size = pq_ciphertext_size + 32;                     // Nenc 1120
    static constexpr std::size_t shared_secret_size = 32;                                // Nsecret
    static constexpr std::size_t encap_random_size = 64;  // ML-KEM's m, then the X25519 ephemeral

    // PrivateKeyToPublicKey: ek_PQ || ek_T from the seed. Fails only if ML-KEM's KeyGen does
    // (a matrix-sampling budget no seed is expected to exceed); pk is then wiped.
    [[nodiscard]] static constexpr errc public_key(fixed_view<private_key_size> seed,
                                                   fixed_span<public_key_size> pk) noexcept {
        expanded x = expand(seed);
        mlkem768::decapsulation_key dk{};
        const errc e = mlkem768::keygen(x.pq_seed(), pk.template first<pq_public_key_size>(), dk);
        x25519_public_key(pk.template last<32>(), x.t_scalar());
        secure_wipe(dk);
        if (e != errc::ok) secure_wipe(pk);
        return e;
    }

    // Encaps with the caller's randomness (64 bytes: ML-KEM's m, then the ephemeral X25519 scalar).
    [[nodiscard]] static constexpr errc encapsulate(fixed_view<public_key_size> pk, fixed_view<encap_random_size> random,
                                                    fixed_span<enc_size> enc,
                                                    fixed_span<shared_secret_size> shared_secret) noexcept {
        const auto ek_t = pk.template last<32>();
        bytes<32> ss_pq{}, ss_t{};
        errc e = mlkem768::encapsulate(pk.template first<pq_public_key_size>(), random.template first<32>(),
                                       enc.template first<pq_ciphertext_size>(), ss_pq);
        const auto sk_e = random.template last<32>();
        x25519_public_key(enc.template last<32>(), sk_e);
        if (e == errc::ok) e = x25519(ss_t, sk_e, ek_t);
        if (e == errc::ok) combine(ss_pq, ss_t, enc.template last<32>(), ek_t, shared_secret);
        secure_wipe(ss_pq);
        secure_wipe(ss_t);
        if (e != errc::ok) {
            secure_wipe(shared_secret);
            return errc::invalid_argument;
        }
        return errc::ok;
    }

    // Decaps. A ciphertext of another key is not an error: ML-KEM's implicit rejection makes the
    // secret unrelated, and the AEAD that uses it fails. invalid_argument only for an all-zero
    // X25519 output.
    [[nodiscard]] static constexpr errc decapsulate(fixed_view<enc_size> enc, fixed_view<private_key_size> seed,
                                                    fixed_span<shared_secret_size> shared_secret) noexcept {
        expanded x = expand(seed);
        const auto ct_t = enc.template last<32>();
        bytes<32> ss_pq{}, ss_t{};
        errc e = mlkem768::decapsulate_seed(x.pq_seed(), enc.template first<pq_ciphertext_size>(), ss_pq);
        const auto ek_t = x25519_public_key(x.t_scalar());
        if (e == errc::ok) e = x25519(ss_t, x.t_scalar(), ct_t);
        if (e == errc::ok) combine(ss_pq, ss_t, ct_t, ek_t, shared_secret);
        secure_wipe(ss_pq);
        secure_wipe(ss_t);
        if (e != errc::ok) {
            secure_wipe(shared_secret);
            return errc::invalid_argument;
        }
        return errc::ok;
    }

private:
    struct expanded {
        bytes<96> bytes_{};
        constexpr ~expanded() { secure_wipe(bytes_); }
        [[nodiscard]] constexpr fixed_view<64> pq_seed() const noexcept { return fixed_view<96>(bytes_).first<64>(); }
        [[nodiscard]] constexpr fixed_view<32> t_scalar() const noexcept { return fixed_view<96>(bytes_).last<32>(); }
    };
    static constexpr expanded expand(fixed_view<private_key_size> seed) noexcept {
        expanded x;
        shake256::hash(seed, x.bytes_);
        return x;
    }

    static constexpr void combine(fixed_view<32> ss_pq, fixed_view<32> ss_t, fixed_view<32> ct_t, fixed_view<32> ek_t,
                                  fixed_span<32> out) noexcept {
        constexpr std::uint8_t label[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};  // "\.//^\"
        sha3_256 h;
        h.update(ss_pq).update(ss_t).update(ct_t).update(ek_t).update(label);
        h.final(out);
    }
};

}  // namespace carapace::hpke
