// ML-KEM-512, ML-KEM-768 and ML-KEM-1024 (FIPS 203): the module-lattice key-encapsulation
// mechanism of the post-quantum TLS groups. The "internal" algorithms of §6 with the caller's
// randomness, plus the input checks of §7.2 and §7.3. No heap; constant time in the secrets;
// usable in constant evaluation.
//
//   carapace::mlkem768::encapsulation_key ek; carapace::mlkem768::decapsulation_key dk;
//   if (mlkem768::keygen(seed_d, seed_z, ek, dk) != errc::ok) ...   // d, z: 32 random bytes each
//   mlkem768::ciphertext ct; mlkem768::shared_secret k;
//   if (mlkem768::encapsulate(ek, m, ct, k) != errc::ok) ...        // m: 32 random bytes
//   if (mlkem768::decapsulate(dk, ct, k2) != errc::ok) ...           // k2 == k
//
// Decapsulation keys come in two forms: the expanded one of FIPS 203 (dk, 768k + 96 bytes) and
// the 64-byte seed d || z it is derived from (decapsulate_seed re-derives it each time, keeping
// the public matrix from KeyGen for the re-encryption).
//
// CARAPACE_MLKEM_NO_MATRIX (defined for every translation unit of a program) selects the
// memory-frugal K-PKE of kem/detail/mlkem_kpke_small.hpp: A-hat is never held whole but sampled an
// entry at a time where it is used, and the hashes run on one scalar Keccak state. Same results,
// less stack (for ML-KEM-768 on a Cortex-M4: see README), slower.
//
// Errors: encapsulate refuses an encapsulation key that fails the modulus check (§7.2),
// decapsulate a key that fails the hash check (§7.3). A wrong length is a compile error: every
// input has its FIPS 203 size in its type. A mismatching ciphertext is not an error: decapsulate
// then gives the implicit-rejection key J(z || c), as the standard requires.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/detail/keccak_x4.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/detail/mlkem_kpke.hpp"
#if defined(CARAPACE_MLKEM_NO_MATRIX)
#include "carapace/kem/detail/mlkem_kpke_small.hpp"
#endif

namespace carapace {

// One ML-KEM parameter set (FIPS 203): KeyGen, Encaps and Decaps over fixed-size byte arrays.
template <class Params>
class mlkem_kem {
    using P = Params;
    static constexpr std::size_t pke_ek = P::pke_encryption_key_size;
    static constexpr std::size_t pke_dk = P::pke_decryption_key_size;

public:
    // The module rank k.
    static constexpr std::size_t k = P::k;
    // The size of an encapsulation key in bytes.
    static constexpr std::size_t encapsulation_key_size = pke_ek;
    // The size of an expanded decapsulation key in bytes.
    static constexpr std::size_t decapsulation_key_size = pke_dk + pke_ek + 64;
    // The size of a ciphertext in bytes.
    static constexpr std::size_t ciphertext_size = P::ciphertext_size;
    // The size of the shared secret in bytes.
    static constexpr std::size_t shared_secret_size = 32;
    static constexpr std::size_t seed_size = 64;  // d || z

    // An encapsulation (public) key.
    using encapsulation_key = bytes<encapsulation_key_size>;
    // A decapsulation (private) key in its expanded form.
    using decapsulation_key = bytes<decapsulation_key_size>;
    // A ciphertext.
    using ciphertext = bytes<ciphertext_size>;
    // The 32-byte shared secret.
    using shared_secret = bytes<shared_secret_size>;

    // ML-KEM.KeyGen_internal (Algorithm 16). Fails (errc::invalid_argument, outputs wiped) only if
    // sampling the public matrix exceeds its budget, which no seed is expected to do (see
    // mlkem_poly.hpp).
    [[nodiscard]] static constexpr errc keygen(fixed_view<32> d, fixed_view<32> z,
                                               fixed_span<encapsulation_key_size> ek,
                                               fixed_span<decapsulation_key_size> dk) noexcept {
        // (rho, sigma) = G(d || k), Algorithm 13 step 1.
        sha3_512 g;
        const std::uint8_t k_byte[1] = {static_cast<std::uint8_t>(k)};
        g.update(d).update(k_byte);
        auto rho_sigma = g.final();
        const errc e = keygen_from_rho_sigma(rho_sigma, z, ek, dk);
        secure_wipe(rho_sigma);
        return e;
    }

    // The rest of KeyGen once (rho, sigma) = G(d || k) is known. Public for vectors that give rho
    // and sigma themselves (C2SP's intermediate values, made with the draft's G(d)).
    [[nodiscard]] static constexpr errc keygen_from_rho_sigma(fixed_view<64> rho_sigma, fixed_view<32> z,
                                                              fixed_span<encapsulation_key_size> ek,
                                                              fixed_span<decapsulation_key_size> dk) noexcept {
        // rho becomes part of the public key: SampleNTT may branch on it.
        bytes<32> rho{};
        for (std::size_t i = 0; i < 32; ++i) rho[i] = rho_sigma[i];
        rho = ct::declassify(rho);
#if defined(CARAPACE_MLKEM_NO_MATRIX)
        const bool ok = detail::mlkem::kpke_keygen_small<P>(rho, rho_sigma.template last<32>(), ek.data(), dk.data());
#else
        detail::mlkem::poly_matrix<P> a_hat;  // every entry written by the sampling
        const bool ok = detail::mlkem::kpke_keygen<P>(rho, rho_sigma.template last<32>(), ek.data(), dk.data(), a_hat);
#endif
        std::uint8_t* rest = dk.data() + pke_dk;
        for (std::size_t i = 0; i < pke_ek; ++i) rest[i] = ek[i];
        const auto h = sha3_256::hash(ek);
        for (std::size_t i = 0; i < 32; ++i) rest[pke_ek + i] = h[i];
        for (std::size_t i = 0; i < 32; ++i) rest[pke_ek + 32 + i] = z[i];
        if (!ok) {
            secure_wipe(ek);
            secure_wipe(dk);
            return errc::invalid_argument;
        }
        return errc::ok;
    }

    // The same from the 64-byte seed form d || z.
    [[nodiscard]] static constexpr errc keygen(fixed_view<seed_size> seed, fixed_span<encapsulation_key_size> ek,
                                               fixed_span<decapsulation_key_size> dk) noexcept {
        return keygen(seed.template first<32>(), seed.template last<32>(), ek, dk);
    }

    // The modulus check of §7.2: every coefficient ByteDecode_12 reads is below q.
    [[nodiscard]] static constexpr bool encapsulation_key_valid(fixed_view<encapsulation_key_size> ek) noexcept {
        bool ok = true;
        for (std::size_t i = 0; i < k; ++i) ok = detail::mlkem::poly_below_q_12(ek.data() + 384 * i) && ok;
        return ok;
    }

    // The hash check of §7.3: H(ek part of dk) equals the stored hash. (The key is the caller's
    // own; the check catches corruption, and its outcome is public.)
    [[nodiscard]] static constexpr bool decapsulation_key_valid(fixed_view<decapsulation_key_size> dk) noexcept {
        const auto h = sha3_256::hash(dk.subspan(pke_dk, pke_ek));
        return ct::declassify(ct::equal(h, dk.subspan(pke_dk + pke_ek, 32)));
    }

    // ML-KEM.Encaps_internal (Algorithm 17) after the modulus check. H(ek) is computed in the
    // same batch of sponge jobs as A-hat (kem/detail/mlkem_kpke.hpp).
    [[nodiscard]] static constexpr errc encapsulate(fixed_view<encapsulation_key_size> ek, fixed_view<32> m,
                                                    fixed_span<ciphertext_size> c,
                                                    fixed_span<shared_secret_size> key) noexcept {
        if (!encapsulation_key_valid(ek)) return errc::invalid_argument;
#if defined(CARAPACE_MLKEM_NO_MATRIX)
        const auto h = sha3_256::hash(ek);
        const matrix_source a_hat = ek.template last<32>();
        constexpr bool ok = true;
#else
        bytes<32> h{};
        detail::mlkem::poly_matrix<P> a_hat;  // every entry written by the sampling
        const std::array<detail::mlkem::sponge_job, 1> hash_ek = {
            detail::mlkem::sponge_job{ek, sha3_256::block_size, 0x06, nullptr, h.data(), 32}};
        const bool ok = detail::mlkem::sample_matrix<P>(ek.template last<32>(), a_hat, hash_ek);
#endif
        sha3_512 g;
        g.update(m).update(h);
        auto k_r = g.final();
        const bool encrypted = encrypt(ek.data(), m, fixed_view<32>(k_r.data() + 32, 32), c.data(), a_hat) && ok;
        for (std::size_t i = 0; i < 32; ++i) key[i] = k_r[i];
        secure_wipe(k_r);
        if (!encrypted) {
            secure_wipe(key);
            return errc::invalid_argument;
        }
        return errc::ok;
    }

    // ML-KEM.Decaps_internal (Algorithm 18) after the hash check. A ciphertext that does not
    // re-encrypt to itself yields J(z || c), chosen in constant time. The check's H(ek) and
    // J(z || c) are computed in the batch of sponge jobs that samples A-hat for the re-encryption.
    [[nodiscard]] static constexpr errc decapsulate(fixed_view<decapsulation_key_size> dk,
                                                    fixed_view<ciphertext_size> c,
                                                    fixed_span<shared_secret_size> key) noexcept {
        const auto ek = dk.template subspan<pke_dk, pke_ek>();
        bytes<32> m{};
        detail::mlkem::kpke_decrypt<P>(dk.data(), c.data(), m);
#if defined(CARAPACE_MLKEM_NO_MATRIX)
        const auto h = sha3_256::hash(ek);
        errc e = errc::invalid_argument;
        if (ct::declassify(ct::equal(h, dk.subspan(pke_dk + pke_ek, 32)))) {
            shared_secret rejected{};
            rejection_key(dk.template subspan<pke_dk + pke_ek + 32, 32>(), c, rejected);
            bytes<32> rho{};
            for (std::size_t i = 0; i < 32; ++i) rho[i] = ek[pke_dk + i];
            e = finish_decapsulation(dk, c, m, rejected, ct::declassify(rho), true, key);
            secure_wipe(rejected);
        }
        secure_wipe(m);
        return e;
#else
        bytes<32> h{};
        shared_secret rejected{};
        bytes<32 + ciphertext_size> z_c{};
        for (std::size_t i = 0; i < 32; ++i) z_c[i] = dk[pke_dk + pke_ek + 32 + i];
        for (std::size_t i = 0; i < ciphertext_size; ++i) z_c[32 + i] = c[i];
        // The encapsulation key inside dk is public, its rho too (SampleNTT branches on it).
        bytes<32> rho{};
        for (std::size_t i = 0; i < 32; ++i) rho[i] = ek[pke_dk + i];
        rho = ct::declassify(rho);
        detail::mlkem::poly_matrix<P> a_hat;  // every entry written by the sampling
        const std::array<detail::mlkem::sponge_job, 2> hashes = {
            detail::mlkem::sponge_job{ek, sha3_256::block_size, 0x06, nullptr, h.data(), 32},
            detail::mlkem::sponge_job{z_c, shake256::rate, 0x1f, nullptr, rejected.data(), 32}};
        const bool sampled = detail::mlkem::sample_matrix<P>(rho, a_hat, hashes);
        errc e = errc::invalid_argument;
        if (ct::declassify(ct::equal(h, dk.subspan(pke_dk + pke_ek, 32))))
            e = finish_decapsulation(dk, c, m, rejected, a_hat, sampled, key);
        secure_wipe(m);
        secure_wipe(z_c);
        secure_wipe(rejected);
        return e;
#endif
    }

    // Decapsulation with the 64-byte seed form d || z of the key. KeyGen runs again, but the key
    // it gives is not hash-checked (§7.3 guards stored keys; this one was derived a moment ago and
    // holds H(ek) by construction), and it keeps A-hat for the re-encryption, which then samples
    // no matrix. The result is that of keygen followed by decapsulate.
    [[nodiscard]] static constexpr errc decapsulate_seed(fixed_view<seed_size> seed, fixed_view<ciphertext_size> c,
                                                         fixed_span<shared_secret_size> key) noexcept {
        sha3_512 g;
        const std::uint8_t k_byte[1] = {static_cast<std::uint8_t>(k)};
        g.update(seed.template first<32>()).update(k_byte);
        auto rho_sigma = g.final();
        bytes<32> rho{};
        for (std::size_t i = 0; i < 32; ++i) rho[i] = rho_sigma[i];
        rho = ct::declassify(rho);
        decapsulation_key dk{};
        std::uint8_t* ek = dk.data() + pke_dk;
        fixed_span<32> h(dk.data() + pke_dk + pke_ek, 32);
        shared_secret rejected{};
#if defined(CARAPACE_MLKEM_NO_MATRIX)
        const matrix_source a_hat = rho;
        const bool ok =
            detail::mlkem::kpke_keygen_small<P>(rho, fixed_view<32>(rho_sigma.data() + 32, 32), ek, dk.data());
        sha3_256().update(fixed_view<pke_ek>(ek, pke_ek)).final(h);
        rejection_key(seed.template last<32>(), c, rejected);
#else
        detail::mlkem::poly_matrix<P> a_hat;  // every entry written by the sampling
        const bool ok =
            detail::mlkem::kpke_keygen<P>(rho, fixed_view<32>(rho_sigma.data() + 32, 32), ek, dk.data(), a_hat);
        hash_key_and_rejection(fixed_view<pke_ek>(ek, pke_ek), seed.template last<32>(), c, h, rejected);
#endif
        for (std::size_t i = 0; i < 32; ++i) dk[pke_dk + pke_ek + 32 + i] = seed[32 + i];
        bytes<32> m{};
        detail::mlkem::kpke_decrypt<P>(dk.data(), c.data(), m);
        const errc e = finish_decapsulation(dk, c, m, rejected, a_hat, ok, key);
        secure_wipe(rho_sigma);
        secure_wipe(dk);
        secure_wipe(m);
        secure_wipe(rejected);
        return e;
    }

private:
#if defined(CARAPACE_MLKEM_NO_MATRIX)
    // What K-PKE.Encrypt samples A-hat from: its seed rho, an entry at a time.
    using matrix_source = fixed_view<32>;

    static constexpr bool encrypt(const std::uint8_t* ek, fixed_view<32> m, fixed_view<32> r, std::uint8_t* c,
                                  matrix_source rho) noexcept {
        return detail::mlkem::kpke_encrypt_small<P>(ek, rho, m, r, c);
    }

    // J(z || c) (SHAKE256, 32 bytes), absorbed in two parts.
    static constexpr void rejection_key(fixed_view<32> z, fixed_view<ciphertext_size> c,
                                        fixed_span<32> rejected) noexcept {
        detail::keccak_sponge<shake256::rate, 0x1f> j;  // wiped by its destructor
        j.absorb(z);
        j.absorb(c);
        j.finish_absorbing();
        j.squeeze(rejected);
    }
#else
    // A-hat itself, sampled whole.
    using matrix_source = const detail::mlkem::poly_matrix<P>&;

    static constexpr bool encrypt(const std::uint8_t* ek, fixed_view<32> m, fixed_view<32> r, std::uint8_t* c,
                                  matrix_source a_hat) noexcept {
        detail::mlkem::kpke_encrypt<P>(ek, m, r, c, a_hat);
        return true;
    }

    // H(ek) (SHA3-256) and J(z || c) (SHAKE256, 32 bytes): two sponges of the same rate, absorbed
    // side by side (hash/detail/keccak_x4.hpp).
    static constexpr void hash_key_and_rejection(fixed_view<pke_ek> ek, fixed_view<32> z, fixed_view<ciphertext_size> c,
                                                 fixed_span<32> h, fixed_span<32> rejected) noexcept {
        static_assert(sha3_256::block_size == shake256::rate);
        bytes<32 + ciphertext_size> z_c{};
        for (std::size_t i = 0; i < 32; ++i) z_c[i] = z[i];
        for (std::size_t i = 0; i < ciphertext_size; ++i) z_c[32 + i] = c[i];
        detail::keccak_x4_hash32<shake256::rate, 2>({std::span<const std::uint8_t>(ek), std::span<const std::uint8_t>(z_c)},
                                                    {0x06, 0x1f}, {h.data(), rejected.data()});
        secure_wipe(z_c);
    }
#endif

    // Algorithm 18 steps 7-11 on a key known to be sound: m' decrypted, J(z || c) and dk's A-hat
    // given (or its seed, with CARAPACE_MLKEM_NO_MATRIX; sampled: whether sampling A-hat stayed
    // within its budget).
    [[nodiscard]] static constexpr errc finish_decapsulation(fixed_view<decapsulation_key_size> dk,
                                                             fixed_view<ciphertext_size> c, fixed_view<32> m,
                                                             fixed_view<shared_secret_size> rejected,
                                                             matrix_source a_hat, bool sampled,
                                                             fixed_span<shared_secret_size> key) noexcept {
        const std::uint8_t* ek = dk.data() + pke_dk;
        sha3_512 g;
        g.update(m).update(dk.subspan(pke_dk + pke_ek, 32));
        auto k_r = g.final();
        ciphertext reencrypted{};
        sampled = encrypt(ek, m, fixed_view<32>(k_r.data() + 32, 32), reencrypted.data(), a_hat) && sampled;
        for (std::size_t i = 0; i < 32; ++i) key[i] = k_r[i];
        std::uint32_t diff = 0;
        for (std::size_t i = 0; i < ciphertext_size; ++i) diff |= static_cast<std::uint32_t>(reencrypted[i] ^ c[i]);
        const auto reject = static_cast<std::uint8_t>(~ct::is_zero_mask(diff));
        ct::conditional_move(reject, key, rejected);
        secure_wipe(k_r);
        secure_wipe(reencrypted);
        if (!sampled) {
            secure_wipe(key);
            return errc::invalid_argument;
        }
        return errc::ok;
    }
};

// ML-KEM-512 (security category 1).
using mlkem512 = mlkem_kem<detail::mlkem::params<2, 3, 10, 4>>;
// ML-KEM-768 (security category 3), the one TLS uses.
using mlkem768 = mlkem_kem<detail::mlkem::params<3, 2, 10, 4>>;
// ML-KEM-1024 (security category 5).
using mlkem1024 = mlkem_kem<detail::mlkem::params<4, 2, 11, 5>>;

}  // namespace carapace
