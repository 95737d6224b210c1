// RSA private keys and signing: RSASSA-PSS (RFC 8017 §8.1.1) and RSASSA-PKCS1-v1_5 (§8.2.1), by
// RSASP1 in its CRT form (§5.2.1 step 2b, the second representation of §3.2 with u = qInv).
//
// - Sizes: a key of up to MaxBits bits (1024 <= bits <= MaxBits); everything lives in the object,
//   no heap. Two-prime keys only.
// - Load: PKCS#1 RSAPrivateKey or PKCS#8, checked for consistency: p and q odd, n = p * q,
//   dP < p and e * dP = 1 mod (p - 1), the same for q, qInv < p and qInv * q = 1 mod p, d < n
//   and d = dP mod (p - 1), d = dQ mod (q - 1) (so e * d = 1 mod lcm(p - 1, q - 1)). Signing
//   uses the CRT values only.
// - Constant time in the key and the blinding: fixed-window exponentiation with masked table reads
//   (detail/modexp.hpp), Montgomery products with masked final subtraction; the checks at load
//   combine their results into one mask, revealed only as "the key is consistent".
// - Blinding of the exponent, with caller randomness: dP + r1 * (p - 1) and dQ + r2 * (q - 1) for
//   two 64-bit values r1, r2 drawn from `blinding` (at least rsa_blinding_size bytes), so that
//   the exponent bits the exponentiation touches differ at every signature. The exponent length
//   is that of p plus 65 bits whatever r is.
// - Fault attacks (Boneh, DeMillo, Lipton; the Bellcore attack): each signature is checked with
//   the public exponent before it leaves; a mismatch wipes the output and returns
//   errc::authentication_failed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/detail/bignum.hpp"
#include "carapace/rsa/detail/emsa.hpp"
#include "carapace/rsa/detail/modexp.hpp"
#include "carapace/rsa/detail/montgomery.hpp"
#include "carapace/rsa/detail/rsa_der.hpp"
#include "carapace/rsa/rsa_hash.hpp"
#include "carapace/rsa/rsa_public.hpp"

namespace carapace {

// The fewest bytes of blinding randomness signing takes.
inline constexpr std::size_t rsa_blinding_size = 16;

// Word and Engine (detail/mont_mulx.hpp) choose a code path; tests and the constant-time check
// name them, applications keep the defaults.
template <std::size_t MaxBits = 4096, class Word = detail::bn_word, class Engine = detail::rsa_mont_dispatch>
class rsa_private_key {
    static_assert(MaxBits >= rsa_min_bits && MaxBits <= rsa_max_verify_bits && MaxBits % 64 == 0);

public:
    // The largest modulus this key type holds, in bits.
    static constexpr std::size_t max_bits = MaxBits;

    constexpr rsa_private_key() noexcept = default;
    constexpr ~rsa_private_key() { wipe(); }
    constexpr rsa_private_key(const rsa_private_key&) noexcept = default;
    constexpr rsa_private_key& operator=(const rsa_private_key&) noexcept = default;

    // RSAPrivateKey (PEM "RSA PRIVATE KEY"), the whole of `der`.
    [[nodiscard]] static constexpr result<rsa_private_key> from_pkcs1_der(byte_view der) noexcept {
        auto parts = detail::parse_rsa_private_der(der);
        if (!parts) return parts.error();
        return from_parts(*parts);
    }
    // PKCS#8 with rsaEncryption (PEM "PRIVATE KEY"), the whole of `der`.
    [[nodiscard]] static constexpr result<rsa_private_key> from_pkcs8_der(byte_view der) noexcept {
        auto parts = detail::parse_rsa_pkcs8_der(der);
        if (!parts) return parts.error();
        return from_parts(*parts);
    }

    // Views into this object: valid while it lives and is not moved or assigned.
    [[nodiscard]] constexpr rsa_public_key_view public_key() const noexcept {
        return {byte_view(n_bytes_, k_), byte_view(e_bytes_, e_len_)};
    }
    // The size of a signature: the modulus size in bytes.
    [[nodiscard]] constexpr std::size_t signature_size() const noexcept { return k_; }
    // The modulus size in bits.
    [[nodiscard]] constexpr std::size_t bits() const noexcept { return n_bits_; }

    // RSASSA-PSS-SIGN (§8.1.1) with MGF1 over the same hash (for SHAKE128/256 the SHAKE itself,
    // RFC 8702 §3.1, whose salt is 32 or 64 bytes) and the caller's salt (TLS 1.3: the digest
    // length in bytes of fresh randomness, RFC 8446 §4.2.3). Writes signature_size() bytes to out
    // and returns that count.
    [[nodiscard]] constexpr result<std::size_t> sign_pss_digest(rsa_hash h, byte_view digest, byte_view salt,
                                                                byte_view blinding, byte_span out) const noexcept {
        if (!rsa_hash_signs(h) || digest.size() != digest_size(h)) return errc::invalid_argument;
        if (k_ == 0) return errc::invalid_argument;
        std::uint8_t em[detail::rsa_max_bytes] = {};
        const std::size_t em_bits = n_bits_ - 1, em_len = (em_bits + 7) / 8;
        if (!detail::emsa_pss_encode(h, h, digest, salt, em_bits, byte_span(em + (k_ - em_len), em_len)))
            return errc::invalid_argument;
        return private_op(byte_view(em, k_), blinding, out, [](Word*, std::size_t) {});
    }
    // The same over `message`, hashed with `h`.
    [[nodiscard]] constexpr result<std::size_t> sign_pss(rsa_hash h, byte_view message, byte_view salt,
                                                         byte_view blinding, byte_span out) const noexcept {
        std::uint8_t digest[detail::rsa_max_digest] = {};
        detail::rsa_digest(h, message, digest);
        return sign_pss_digest(h, byte_view(digest, digest_size(h)), salt, blinding, out);
    }

    // RSASSA-PKCS1-v1_5-SIGN (§8.2.1): for certificates and other signatures that ask for it;
    // TLS 1.3 never signs CertificateVerify this way (RFC 8446 §4.2.3). SHAKE, which has no
    // DigestInfo, is refused with errc::invalid_argument.
    [[nodiscard]] constexpr result<std::size_t> sign_pkcs1_digest(rsa_hash h, byte_view digest, byte_view blinding,
                                                                  byte_span out) const noexcept {
        if (!rsa_hash_signs(h) || k_ == 0) return errc::invalid_argument;
        std::uint8_t em[detail::rsa_max_bytes] = {};
        if (!detail::emsa_pkcs1_encode(h, digest, byte_span(em, k_))) return errc::invalid_argument;
        return private_op(byte_view(em, k_), blinding, out, [](Word*, std::size_t) {});
    }
    // The same over `message`, hashed with `h`.
    [[nodiscard]] constexpr result<std::size_t> sign_pkcs1(rsa_hash h, byte_view message, byte_view blinding,
                                                           byte_span out) const noexcept {
        std::uint8_t digest[detail::rsa_max_digest] = {};
        detail::rsa_digest(h, message, digest);
        return sign_pkcs1_digest(h, byte_view(digest, digest_size(h)), blinding, out);
    }

    // RSASP1 (§5.2.1) of em (k bytes, below n as the encodings make it) into out. `fault` sees
    // the half signature modulo p before it is combined, and exists for the test that flips one
    // of its bits: signing passes a function that does nothing.
    template <class Fault>
    [[nodiscard]] constexpr result<std::size_t> private_op(byte_view em, byte_view blinding, byte_span out,
                                                           Fault&& fault) const noexcept {
        if (k_ == 0 || em.size() != k_) return errc::invalid_argument;
        if (blinding.size() < rsa_blinding_size) return errc::invalid_argument;
        if (out.size() < k_) return errc::buffer_too_small;
        // s holds q * h: the primes' words may add up to one more than the modulus's.
        Word m[full_cap] = {}, s[2 * half_cap] = {}, s1[half_cap] = {}, s2m[half_cap] = {}, s2[half_cap] = {},
             h[half_cap] = {};
        detail::bn_from_bytes(m, full_cap, em);
        half_powers(m, blinding, s1, s2);                // s1 = m^dP mod p, s2 = m^dQ mod q (Montgomery form)
        q_.from_mont(s2, s2);                            // s2 = m^dQ mod q
        fault(s1, p_.words());
        // h = (s1 - s2) * qInv mod p: both in Montgomery form, times qInv (normal) gives normal.
        const std::size_t np = p_.words(), nq = q_.words();
        p_.reduce_to_mont(s2m, s2, nq);
        p_.sub_mod(s1, s1, s2m);
        p_.mul(h, s1, qinv_);
        // s = s2 + q * h, below n.
        detail::bn_mul(s, q_words_, nq, h, np);
        Word carry = detail::bn_add(s, s, s2, nq);
        for (std::size_t i = nq; i < np + nq; ++i) {
            const Word t = static_cast<Word>(s[i] + carry);
            carry = static_cast<Word>(t < carry ? 1u : 0u);
            s[i] = t;
        }
        // The signature must give back em under the public exponent before it is released.
        Word check[full_cap] = {};
        detail::pow_public(n_mod_, check, s, e_);
        const bool good = ct::declassify(detail::bn_equal(check, m, n_mod_.words())) != 0;
        if (good) detail::bn_to_bytes(out.first(k_), s, n_mod_.words());
        else secure_wipe(out.data(), out.size());
        secure_wipe(m, full_cap);
        secure_wipe(s, 2 * half_cap);
        secure_wipe(s1, half_cap);
        secure_wipe(s2, half_cap);
        secure_wipe(s2m, half_cap);
        secure_wipe(h, half_cap);
        if (!good) return errc::authentication_failed;
        return k_;
    }

private:
    static constexpr std::size_t full_cap = detail::bn_words_for<Word>(MaxBits);
    // Room for primes somewhat larger than half the modulus (unbalanced keys).
    static constexpr std::size_t half_cap = full_cap / 2 + 1;
    static constexpr std::size_t blind_words = 64 / detail::bn_word_bits<Word>;
    using half_modulus = detail::mont_modulus<Word, half_cap, Engine>;

    constexpr void wipe() noexcept {
        secure_wipe(dp_, half_cap);
        secure_wipe(dq_, half_cap);
        secure_wipe(qinv_, half_cap);
        secure_wipe(q_words_, half_cap);
        p_.wipe();
        q_.wipe();
    }

    // The exponent d_p + r * (p - 1) (r from 8 bytes of caller randomness) and the base m mod p in
    // Montgomery form, for the half modulo mod.
    struct half_input {
        Word exp[half_cap + blind_words + 1] = {};
        Word base[half_cap] = {};
        constexpr ~half_input() {
            secure_wipe(exp, half_cap + blind_words + 1);
            secure_wipe(base, half_cap);
        }
    };
    constexpr void half_setup(const half_modulus& mod, const Word (&d)[half_cap], byte_view r_bytes, const Word* m,
                              half_input& in) const noexcept {
        const std::size_t n = mod.words();
        Word r[blind_words] = {}, pm1[half_cap] = {};
        detail::bn_from_bytes(r, blind_words, r_bytes);
        for (std::size_t i = 0; i < n; ++i) pm1[i] = mod.modulus()[i];
        pm1[0] = static_cast<Word>(pm1[0] ^ 1u);  // p is odd: p - 1 clears bit 0
        detail::bn_mul(in.exp, pm1, n, r, blind_words);
        const Word carry = detail::bn_add(in.exp, in.exp, d, n);
        Word carry2 = carry;
        for (std::size_t i = n; i < n + blind_words + 1; ++i) {
            const Word t = static_cast<Word>(in.exp[i] + carry2);
            carry2 = static_cast<Word>(t < carry2 ? 1u : 0u);
            in.exp[i] = t;
        }
        mod.reduce_to_mont(in.base, m, n_mod_.words());
        secure_wipe(r, blind_words);
        secure_wipe(pm1, half_cap);
    }

    // s1 = (m mod p)^(blinded d_p), s2 = (m mod q)^(blinded d_q), in Montgomery form; both at once
    // where the engine can (mont_ifma.hpp's pairs), one after the other otherwise.
    constexpr void half_powers(const Word* m, byte_view blinding, Word* s1, Word* s2) const noexcept {
        half_input in_p, in_q;
        half_setup(p_, dp_, blinding.first(8), m, in_p);
        half_setup(q_, dq_, blinding.subspan(8, 8), m, in_q);
        const std::size_t np = p_.words(), nq = q_.words();
        const std::size_t bits_p = np * detail::bn_word_bits<Word> + 65, bits_q = nq * detail::bn_word_bits<Word> + 65;
        if (!std::is_constant_evaluated() && np == nq &&
            p_.pow_secret_ifma_pair(s1, in_p.base, in_p.exp, q_, s2, in_q.base, in_q.exp, np + blind_words + 1,
                                    bits_p))
            return;
        detail::pow_secret(p_, s1, in_p.base, in_p.exp, np + blind_words + 1, bits_p);
        detail::pow_secret(q_, s2, in_q.base, in_q.exp, nq + blind_words + 1, bits_q);
    }

    // All ones when e * d = 1 mod (m - 1), for d < m: e * d - 1 = t is below e * (m - 1) < 2^32 (m - 1),
    // so 32 conditional subtractions of (m - 1) * 2^i, i from 31 down, leave t mod (m - 1).
    static constexpr Word inverse_mod_m_minus_1(const half_modulus& mod, const Word (&d)[half_cap],
                                                std::uint32_t e) noexcept {
        const std::size_t n = mod.words(), w = n + 2;
        Word t[half_cap + 2] = {}, ew[2] = {}, one[half_cap + 2] = {}, shifted[half_cap + 2] = {},
             diff[half_cap + 2] = {}, mm1[half_cap + 2] = {};
        ew[0] = static_cast<Word>(e);
        if constexpr (detail::bn_word_bits<Word> == 32) ew[1] = 0;
        detail::bn_mul(t, d, n, ew, 1);  // n + 1 words
        one[0] = 1;
        (void)detail::bn_sub(t, t, one, w);
        for (std::size_t i = 0; i < n; ++i) mm1[i] = mod.modulus()[i];
        mm1[0] = static_cast<Word>(mm1[0] ^ 1u);
        for (std::size_t i = 32; i-- > 0;) {
            // shifted = (m - 1) << i
            const std::size_t wsh = i / detail::bn_word_bits<Word>, bsh = i % detail::bn_word_bits<Word>;
            for (std::size_t j = 0; j < w; ++j) {
                const Word lo = j >= wsh ? mm1[j - wsh] : Word{0};
                const Word lower = j >= wsh + 1 ? mm1[j - wsh - 1] : Word{0};
                shifted[j] = bsh == 0 ? lo
                                      : static_cast<Word>(lo << bsh | lower >> (detail::bn_word_bits<Word> - bsh));
            }
            const Word borrow = detail::bn_sub(diff, t, shifted, w);
            detail::bn_select(t, ct::mask_from_bit(borrow), t, diff, w);
        }
        const Word ok = detail::bn_is_zero(t, w);
        secure_wipe(t, half_cap + 2);
        secure_wipe(diff, half_cap + 2);
        return ok;
    }

    // All ones when d mod (m - 1) equals dm (m odd, dm below m): bit by bit from the top of d,
    // r = 2r + bit, minus (m - 1) when that fits, all masked; nd words of d, a public length.
    static constexpr Word reduces_to(const half_modulus& mod, const Word* d, std::size_t nd,
                                     const Word (&dm)[half_cap]) noexcept {
        const std::size_t n = mod.words(), w = n + 1;
        constexpr std::size_t bits = detail::bn_word_bits<Word>;
        Word r[half_cap + 1] = {}, diff[half_cap + 1] = {}, mm1[half_cap + 1] = {};
        for (std::size_t i = 0; i < n; ++i) mm1[i] = mod.modulus()[i];
        mm1[0] = static_cast<Word>(mm1[0] ^ 1u);
        for (std::size_t bit = nd * bits; bit-- > 0;) {
            Word in = static_cast<Word>((d[bit / bits] >> (bit % bits)) & 1u);
            for (std::size_t i = 0; i < w; ++i) {  // r = 2r + bit (r < m - 1, so 2r + 1 fits n + 1 words)
                const Word out = static_cast<Word>(r[i] >> (bits - 1));
                r[i] = static_cast<Word>(r[i] << 1 | in);
                in = out;
            }
            const Word borrow = detail::bn_sub(diff, r, mm1, w);
            detail::bn_select(r, ct::mask_from_bit(borrow), r, diff, w);
        }
        const Word ok = static_cast<Word>(detail::bn_equal(r, dm, n) & detail::bn_word_is_zero(r[n]));
        secure_wipe(r, half_cap + 1);
        secure_wipe(diff, half_cap + 1);
        return ok;
    }

    [[nodiscard]] static constexpr result<rsa_private_key> from_parts(const detail::rsa_private_parts& parts) noexcept {
        const rsa_public_key_view pub{parts.modulus, parts.public_exponent};
        if (check_rsa_public_key(pub) != errc::ok || pub.bits() > MaxBits) return errc::invalid_argument;
        constexpr std::size_t half_bytes = half_cap * sizeof(Word);
        if (parts.private_exponent.size() > full_cap * sizeof(Word)) return errc::invalid_argument;
        if (parts.prime1.size() > half_bytes || parts.prime2.size() > half_bytes ||
            parts.exponent1.size() > half_bytes || parts.exponent2.size() > half_bytes ||
            parts.coefficient.size() > half_bytes)
            return errc::invalid_argument;
        rsa_private_key key;
        key.k_ = parts.modulus.size();
        key.n_bits_ = pub.bits();
        for (std::size_t i = 0; i < key.k_; ++i) key.n_bytes_[i] = parts.modulus[i];
        key.e_len_ = parts.public_exponent.size();
        for (std::size_t i = 0; i < key.e_len_; ++i) {
            key.e_bytes_[i] = parts.public_exponent[i];
            key.e_ = key.e_ << 8 | parts.public_exponent[i];
        }
        if (!key.n_mod_.set(parts.modulus, true)) return errc::invalid_argument;
        // Whether p and q are odd is revealed (a key with an even prime is refused at once).
        if (!key.p_.set(parts.prime1) || !key.q_.set(parts.prime2)) return errc::invalid_argument;
        const std::size_t np = key.p_.words(), nq = key.q_.words();
        if (np + nq < key.n_mod_.words()) return errc::invalid_argument;  // lengths are public
        detail::bn_from_bytes(key.dp_, half_cap, parts.exponent1);
        detail::bn_from_bytes(key.dq_, half_cap, parts.exponent2);
        detail::bn_from_bytes(key.qinv_, half_cap, parts.coefficient);
        detail::bn_from_bytes(key.q_words_, half_cap, parts.prime2);

        Word ok = ~Word{0};
        // n = p * q
        Word product[2 * half_cap] = {}, n_words[2 * half_cap] = {};
        detail::bn_mul(product, key.p_.modulus(), np, key.q_.modulus(), nq);
        detail::bn_from_bytes(n_words, 2 * half_cap, parts.modulus);
        ok &= detail::bn_equal(product, n_words, np + nq);
        // dP < p, dQ < q, qInv < p (all values of length at most the prime's words)
        ok &= detail::bn_is_zero(key.dp_ + np, half_cap - np) & detail::bn_less_than(key.dp_, key.p_.modulus(), np);
        ok &= detail::bn_is_zero(key.dq_ + nq, half_cap - nq) & detail::bn_less_than(key.dq_, key.q_.modulus(), nq);
        ok &= detail::bn_is_zero(key.qinv_ + np, half_cap - np) &
              detail::bn_less_than(key.qinv_, key.p_.modulus(), np);
        ok &= inverse_mod_m_minus_1(key.p_, key.dp_, key.e_);
        ok &= inverse_mod_m_minus_1(key.q_, key.dq_, key.e_);
        // d below n, dP = d mod (p - 1) and dQ = d mod (q - 1): with the above, e * d = 1 modulo
        // lcm(p - 1, q - 1) (RFC 8017 §3.2), so d agrees with the CRT values that sign.
        Word d[full_cap] = {};
        detail::bn_from_bytes(d, full_cap, parts.private_exponent);
        const std::size_t nn = key.n_mod_.words();
        ok &= detail::bn_is_zero(d + nn, full_cap - nn) & detail::bn_less_than(d, key.n_mod_.modulus(), nn);
        ok &= reduces_to(key.p_, d, nn, key.dp_);
        ok &= reduces_to(key.q_, d, nn, key.dq_);
        secure_wipe(d, full_cap);
        // qInv * q = 1 mod p
        Word qm[half_cap] = {}, x[half_cap] = {}, unit[half_cap] = {};
        key.p_.reduce_to_mont(qm, key.q_words_, nq);
        key.p_.mul(x, qm, key.qinv_);
        unit[0] = 1;
        ok &= detail::bn_equal(x, unit, np);
        secure_wipe(product, 2 * half_cap);
        secure_wipe(qm, half_cap);
        secure_wipe(x, half_cap);
        if (ct::declassify(ok) == 0) return errc::invalid_argument;
        return key;
    }

    std::uint8_t n_bytes_[MaxBits / 8] = {};
    std::uint8_t e_bytes_[4] = {};
    std::size_t k_ = 0, e_len_ = 0, n_bits_ = 0;
    std::uint32_t e_ = 0;
    detail::mont_modulus<Word, full_cap, Engine> n_mod_;
    half_modulus p_, q_;
    Word dp_[half_cap] = {}, dq_[half_cap] = {}, qinv_[half_cap] = {}, q_words_[half_cap] = {};
};

}  // namespace carapace
