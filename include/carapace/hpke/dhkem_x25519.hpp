// DHKEM(X25519, HKDF-SHA256), HPKE KEM id 0x0020 (RFC 9180 §4.1, §7.1): X25519 Diffie-Hellman
// whose output goes through ExtractAndExpand with the KEM's suite ("KEM" || 0x0020) and the
// context enc || pkR, so the shared secret binds both public keys. Encapsulation takes the
// caller's 32 random bytes as the ikm of DeriveKeyPair for the ephemeral key (§7.1.3 allows
// GenerateKeyPair to be DeriveKeyPair(random(Nsk))); that is also how the RFC's vectors are made.
// An all-zero DH output (a small-order public key) is refused (§7.1.4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/x25519.hpp"
#include "carapace/hpke/labeled_kdf.hpp"

namespace carapace::hpke {

// The KEM as a type for hpke.hpp's templates: its sizes and its three operations.
struct dhkem_x25519 {
    static constexpr std::uint16_t id = 0x0020;  // the KEM's HPKE id
    static constexpr std::size_t public_key_size = 32;   // Npk
    static constexpr std::size_t private_key_size = 32;  // Nsk
    static constexpr std::size_t enc_size = 32;          // Nenc
    static constexpr std::size_t shared_secret_size = 32;  // Nsecret
    static constexpr std::size_t encap_random_size = 32;   // the ikm of the ephemeral key pair

    // DeriveKeyPair (§7.1.3): sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32).
    [[nodiscard]] static constexpr errc derive_key_pair(byte_view ikm, fixed_span<private_key_size> sk,
                                                        fixed_span<public_key_size> pk) noexcept {
        auto prk = labeled_extract(suite(), {}, literal_bytes("dkp_prk"), ikm);
        const errc e = labeled_expand(suite(), prk, literal_bytes("sk"), {}, sk);
        secure_wipe(prk);
        x25519_public_key(pk, sk);
        return e;
    }

    // Encap (§4.1): the ephemeral public key in enc and the shared secret, for pk_r.
    [[nodiscard]] static constexpr errc encapsulate(fixed_view<public_key_size> pk_r, fixed_view<encap_random_size> random,
                                                    fixed_span<enc_size> enc,
                                                    fixed_span<shared_secret_size> shared_secret) noexcept {
        bytes<private_key_size> sk_e{};
        errc e = derive_key_pair(random, sk_e, enc);
        if (e == errc::ok) e = extract_and_expand(sk_e, pk_r, enc, pk_r, shared_secret);
        secure_wipe(sk_e);
        return e;
    }

    // Decap (§4.1): the shared secret from enc and the recipient's private key.
    [[nodiscard]] static constexpr errc decapsulate(fixed_view<enc_size> enc, fixed_view<private_key_size> sk_r,
                                                    fixed_span<shared_secret_size> shared_secret) noexcept {
        const auto pk_r = x25519_public_key(sk_r);
        return extract_and_expand(sk_r, enc, enc, pk_r, shared_secret);
    }

private:
    static constexpr suite_id suite() noexcept { return suite_id::kem(id); }

    // dh = DH(sk, peer); shared_secret = LabeledExpand(LabeledExtract("", "eae_prk", dh),
    // "shared_secret", enc || pkR, 32).
    static constexpr errc extract_and_expand(fixed_view<32> sk, fixed_view<32> peer, fixed_view<32> enc,
                                             fixed_view<32> pk_r, fixed_span<32> shared_secret) noexcept {
        bytes<32> dh{};
        if (x25519(dh, sk, peer) != errc::ok) {
            secure_wipe(shared_secret);
            return errc::invalid_argument;
        }
        auto prk = labeled_extract(suite(), {}, literal_bytes("eae_prk"), dh);
        bytes<64> kem_context{};
        for (std::size_t i = 0; i < 32; ++i) {
            kem_context[i] = enc[i];
            kem_context[32 + i] = pk_r[i];
        }
        const errc e = labeled_expand(suite(), prk, literal_bytes("shared_secret"), kem_context, shared_secret);
        secure_wipe(dh);
        secure_wipe(prk);
        return e;
    }
};

}  // namespace carapace::hpke
