// RSA key generation (FIPS 186-5 Appendix A.1.3, probable primes): two primes p and q of half
// the modulus length each, from the caller's randomness, e = 65537, written out as a PKCS#1
// RSAPrivateKey (RFC 8017 A.1.2) that rsa_private_key::from_pkcs1_der loads. For carapace-tool's
// genkey and for tests; a server's key usually comes from elsewhere.
//
// - Candidates (A.1.3 steps 4.2-4.5): random odd integers of exactly half the length with the
//   top two bits set (so p, q >= 2^(L-1) * 1.5 > 2^(L-1) * sqrt(2), and n has its full length),
//   gcd(p - 1, e) = 1 (e is prime: (p - 1) mod e != 0), and |p - q| > 2^(L - 100) (step 5.4).
// - Primality (Appendix B.3.1, Miller-Rabin): trial division by the odd primes below 1000, then
//   64 rounds with random bases in [2, w - 2]. 64 rounds bound the error for any composite by
//   4^-64 = 2^-128, more than FIPS 186-5 Table B.1 asks of these lengths, without relying on the
//   average-case estimates the table uses.
// - CRT values: dP = e^-1 mod (p - 1) as (k (p - 1) + 1) / e with k = -(p - 1)^-1 mod e (the small
//   public e makes this exact); the same for dQ and for d = e^-1 mod (p - 1)(q - 1); qInv =
//   q^(p - 2) mod p (Fermat).
// - Work is bounded: at most 5 L candidates per prime (A.1.3 step 4.7), else errc::
//   authentication_failed ("the randomness is not random"). Side channels: the exponentiations
//   are rsa/'s constant-time ones; the sieve and the divisions by e branch on or divide candidate
//   values, as key generation in most libraries does; run it where no one measures it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/detail/bignum.hpp"
#include "carapace/rsa/detail/modexp.hpp"
#include "carapace/rsa/detail/montgomery.hpp"
#include "carapace/rsa/rsa_public.hpp"

namespace carapace {

// The public exponent of generated keys.
inline constexpr std::uint32_t rsa_keygen_exponent = 65537;
// Miller-Rabin rounds per prime candidate.
inline constexpr std::size_t rsa_keygen_rounds = 64;

// The largest RSAPrivateKey DER rsa_generate_key writes for a modulus of `bits`: nine INTEGERs
// (three of the modulus's length, six of half) with their headers, and the SEQUENCE's.
constexpr std::size_t rsa_private_key_der_max(std::size_t bits) noexcept {
    const std::size_t k = (bits + 7) / 8, h = (bits / 2 + 7) / 8;
    return 4 + 3 + 3 * (k + 5) + 5 * (h + 5) + 8;
}

namespace detail {

// The odd primes below 1000, for trial division.
constexpr auto small_primes = [] {
    std::array<std::uint16_t, 167> primes{};
    std::size_t count = 0;
    for (std::uint16_t c = 3; c < 1000; c += 2) {
        bool prime = true;
        for (std::uint16_t d = 3; d * d <= c; d += 2)
            if (c % d == 0) prime = false;
        if (prime) primes[count++] = c;
    }
    return primes;
}();

// a mod m for a small m (n words).
template <class Word>
constexpr std::uint64_t bn_mod_small(const Word* a, std::size_t n, std::uint64_t m) noexcept {
    using wide = typename bn_wide<Word>::type;
    wide r = 0;
    for (std::size_t i = n; i-- > 0;) r = ((r << bn_word_bits<Word>) | a[i]) % m;
    return static_cast<std::uint64_t>(r);
}

// The number of significant bits of a (n words); it branches, so it reveals that length.
template <class Word>
constexpr std::size_t keygen_bit_length(const Word* a, std::size_t n) noexcept {
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t b = bn_word_bits<Word>; b-- > 0;)
            if ((a[i] >> b) & 1u) return i * bn_word_bits<Word> + b + 1;
    return 0;
}

// (k * a + 1) / e into out (n + 1 words), for k * a + 1 a multiple of e.
template <class Word>
constexpr void bn_mul_add_one_div(Word* out, const Word* a, std::size_t n, Word k, std::uint64_t e) noexcept {
    using wide = typename bn_wide<Word>::type;
    Word carry = 0;
    for (std::size_t i = 0; i < n; ++i) {  // out = k * a, n + 1 words
        const wide t = wide{a[i]} * k + carry;
        out[i] = static_cast<Word>(t);
        carry = static_cast<Word>(t >> bn_word_bits<Word>);
    }
    out[n] = carry;
    carry = 1;
    for (std::size_t i = 0; i <= n; ++i) {
        const wide s = wide{out[i]} + carry;
        out[i] = static_cast<Word>(s);
        carry = static_cast<Word>(s >> bn_word_bits<Word>);
    }
    wide r = 0;
    for (std::size_t i = n + 1; i-- > 0;) {
        const wide cur = (r << bn_word_bits<Word>) | out[i];
        out[i] = static_cast<Word>(cur / e);
        r = cur % e;
    }
}

// x^-1 mod e for a prime e (Fermat), x not a multiple of e.
constexpr std::uint64_t inverse_mod_prime(std::uint64_t x, std::uint64_t e) noexcept {
    std::uint64_t result = 1, base = x % e;
    for (std::uint64_t power = e - 2; power != 0; power >>= 1) {
        if (power & 1u) result = result * base % e;
        base = base * base % e;
    }
    return result;
}

// e^-1 mod m for m with gcd(m, e) = 1: (k m + 1) / e, k = -m^-1 mod e; into out (n + 1 words).
template <class Word>
constexpr void inverse_of_e(Word* out, const Word* m, std::size_t n, std::uint64_t e) noexcept {
    const std::uint64_t k = e - inverse_mod_prime(bn_mod_small(m, n, e), e);
    bn_mul_add_one_div(out, m, n, static_cast<Word>(k), e);
}

// Miller-Rabin (FIPS 186-5 B.3.1) on the odd w of `mod`, bits long, with bases from `fill`.
template <class Modulus, class Fill>
constexpr bool miller_rabin(const Modulus& mod, std::size_t bits, Fill& fill) noexcept {
    using Word = typename Modulus::word;
    constexpr std::size_t cap = Modulus::capacity;
    const std::size_t n = mod.words();
    Word m[cap] = {}, zero[cap] = {}, minus_one[cap] = {}, base[cap] = {}, z[cap] = {};
    // w - 1 = 2^a m with m odd.
    for (std::size_t i = 0; i < n; ++i) m[i] = mod.modulus()[i];
    m[0] = static_cast<Word>(m[0] & ~Word{1});
    std::size_t a = 0;
    while (bn_bit(m, n, a) == 0) ++a;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t word = (i * bn_word_bits<Word> + a) / bn_word_bits<Word>;
        const std::size_t shift = a % bn_word_bits<Word>;
        const Word low = word < n ? static_cast<Word>(m[word] >> shift) : Word{0};
        const Word high = shift != 0 && word + 1 < n ? static_cast<Word>(m[word + 1] << (bn_word_bits<Word> - shift))
                                                     : Word{0};
        m[i] = static_cast<Word>(low | high);
    }
    mod.sub_mod(minus_one, zero, mod.one().data());  // -1 in Montgomery form
    std::uint8_t random[cap * sizeof(Word)] = {};
    const std::size_t bytes = (bits + 7) / 8;
    for (std::size_t round = 0; round < rsa_keygen_rounds; ++round) {
        // A base in [2, w - 2]: a random integer of w's length reduced mod w, 0, 1 and w - 1 drawn again.
        bool usable = false;
        for (int draw = 0; draw < 8 && !usable; ++draw) {
            fill(byte_span(random, bytes));
            Word raw[cap] = {};
            bn_from_bytes(raw, n, byte_view(random, bytes));
            mod.reduce_to_mont(base, raw, n);
            usable = !bn_is_zero(base, n) && !bn_equal(base, mod.one().data(), n) && !bn_equal(base, minus_one, n);
        }
        if (!usable) return false;
        pow_secret(mod, z, base, m, n, bits);
        if (bn_equal(z, mod.one().data(), n) || bn_equal(z, minus_one, n)) continue;
        bool passed = false;
        for (std::size_t j = 1; j < a && !passed; ++j) {
            mod.sqr(z, z);
            if (bn_equal(z, minus_one, n)) passed = true;
            else if (bn_equal(z, mod.one().data(), n)) break;
        }
        if (!passed) return false;
    }
    secure_wipe(random, sizeof random);
    return true;
}

// A probable prime of `bits` bits (a multiple of 8) into p (little-endian words), with
// gcd(p - 1, e) = 1; false when the budget of candidates ran out.
template <class Word, std::size_t Cap, class Fill>
constexpr bool generate_prime(Word* p, std::size_t bits, Fill& fill, std::uint64_t e) noexcept {
    const std::size_t bytes = bits / 8, n = bn_words_for<Word>(bits);
    std::uint8_t candidate[Cap * sizeof(Word)] = {};
    if (bytes == 0 || bytes > sizeof candidate) return false;
    for (std::size_t attempt = 0; attempt < 5 * bits; ++attempt) {
        fill(byte_span(candidate, bytes));
        candidate[0] |= 0xc0;
        candidate[bytes - 1] |= 0x01;
        for (std::size_t i = 0; i < Cap; ++i) p[i] = 0;
        bn_from_bytes(p, n, byte_view(candidate, bytes));
        bool divisible = false;
        for (const std::uint16_t prime : small_primes) divisible = divisible || bn_mod_small(p, n, prime) == 0;
        if (divisible || bn_mod_small(p, n, e) == 1) continue;  // e divides p - 1
        mont_modulus<Word, Cap> mod;
        if (!mod.set(byte_view(candidate, bytes))) continue;
        if (miller_rabin(mod, bits, fill)) {
            secure_wipe(candidate, sizeof candidate);
            return true;
        }
    }
    secure_wipe(candidate, sizeof candidate);
    return false;
}

// DER writer for the RSAPrivateKey: INTEGERs from little-endian words, into a bounded buffer.
class der_sink {
public:
    constexpr explicit der_sink(byte_span out) noexcept : out_(out) {}
    [[nodiscard]] constexpr bool ok() const noexcept { return ok_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return at_; }
    constexpr void byte(std::uint8_t b) noexcept {
        if (at_ < out_.size()) out_[at_++] = b;
        else ok_ = false;
    }
    constexpr void length(std::size_t n) noexcept {
        if (n < 0x80) {
            byte(static_cast<std::uint8_t>(n));
        } else if (n < 0x100) {
            byte(0x81);
            byte(static_cast<std::uint8_t>(n));
        } else {
            byte(0x82);
            byte(static_cast<std::uint8_t>(n >> 8));
            byte(static_cast<std::uint8_t>(n));
        }
    }
    // A non-negative INTEGER of n words, in its shortest form.
    template <class Word>
    constexpr void integer(const Word* a, std::size_t n) noexcept {
        std::uint8_t be[rsa_max_bytes + 8] = {};
        const std::size_t total = n * sizeof(Word);
        if (total > sizeof be) {
            ok_ = false;
            return;
        }
        bn_to_bytes(byte_span(be, total), a, n);
        std::size_t start = 0;
        while (start + 1 < total && be[start] == 0) ++start;
        const bool pad = (be[start] & 0x80u) != 0;
        byte(0x02);
        length(total - start + (pad ? 1 : 0));
        if (pad) byte(0);
        for (std::size_t i = start; i < total; ++i) byte(be[i]);
        secure_wipe(be, sizeof be);
    }

private:
    byte_span out_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

}  // namespace detail

// A new RSA key of `bits` bits (1024 to MaxBits, a multiple of 16) with e = 65537, as an
// RSAPrivateKey written to `out` (rsa_private_key_der_max(bits) bytes suffice); returns its size.
// `fill(byte_span)` supplies the randomness (a CSPRNG: the primes are as secret as it is).
// Errors: invalid_argument (size), buffer_too_small, authentication_failed (no prime within the
// candidate budget: a broken random source).
template <std::size_t MaxBits = 4096, class Word = detail::bn_word, class Fill>
[[nodiscard]] result<std::size_t> rsa_generate_key(std::size_t bits, Fill&& fill, byte_span out) noexcept {
    static_assert(MaxBits % 64 == 0 && MaxBits <= rsa_max_verify_bits);
    if (bits < rsa_min_bits || bits > MaxBits || bits % 16 != 0) return errc::invalid_argument;
    constexpr std::size_t half_cap = detail::bn_words_for<Word>(MaxBits / 2) + 1;
    constexpr std::size_t full_cap = 2 * half_cap + 1;
    const std::size_t half = bits / 2, hn = detail::bn_words_for<Word>(half);
    const std::uint64_t e = rsa_keygen_exponent;
    Word p[half_cap] = {}, q[half_cap] = {}, diff[half_cap] = {};
    for (std::size_t tries = 0;; ++tries) {
        if (tries == 8) return errc::authentication_failed;
        if (!detail::generate_prime<Word, half_cap>(p, half, fill, e) ||
            !detail::generate_prime<Word, half_cap>(q, half, fill, e))
            return errc::authentication_failed;
        // FIPS 186-5 A.1.3 step 5.4: |p - q| > 2^(half - 100).
        if (detail::bn_less_than(p, q, hn) != 0) detail::bn_sub(diff, q, p, hn);
        else detail::bn_sub(diff, p, q, hn);
        if (detail::keygen_bit_length(diff, hn) > half - 100) break;
    }
    Word n[full_cap] = {}, p1[half_cap] = {}, q1[half_cap] = {}, phi[full_cap] = {};
    detail::bn_mul(n, p, hn, q, hn);
    for (std::size_t i = 0; i < hn; ++i) {
        p1[i] = p[i];
        q1[i] = q[i];
    }
    p1[0] = static_cast<Word>(p1[0] & ~Word{1});
    q1[0] = static_cast<Word>(q1[0] & ~Word{1});
    detail::bn_mul(phi, p1, hn, q1, hn);
    Word d[full_cap + 1] = {}, dp[half_cap + 1] = {}, dq[half_cap + 1] = {}, qinv[half_cap] = {};
    detail::inverse_of_e(d, phi, 2 * hn, e);
    detail::inverse_of_e(dp, p1, hn, e);
    detail::inverse_of_e(dq, q1, hn, e);
    {
        // qInv = q^(p - 2) mod p.
        std::uint8_t p_bytes[half_cap * sizeof(Word)] = {};
        detail::bn_to_bytes(byte_span(p_bytes, hn * sizeof(Word)), p, hn);
        detail::mont_modulus<Word, half_cap> mod;
        if (!mod.set(byte_view(p_bytes, hn * sizeof(Word)))) return errc::authentication_failed;
        Word q_mont[half_cap] = {}, exponent[half_cap] = {}, two[half_cap] = {2}, r[half_cap] = {};
        mod.to_mont(q_mont, q);
        detail::bn_sub(exponent, p, two, hn);
        detail::pow_secret(mod, r, q_mont, exponent, hn, half);
        mod.from_mont(qinv, r);
        secure_wipe(p_bytes, sizeof p_bytes);
        secure_wipe(q_mont, std::size(q_mont));
        secure_wipe(exponent, std::size(exponent));
        secure_wipe(r, std::size(r));
    }
    // RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dP, dQ, qInv } (RFC 8017 A.1.2).
    const std::size_t nn = 2 * hn;
    const Word version[1] = {0}, exponent_e[1] = {static_cast<Word>(e)};
    std::uint8_t body[rsa_private_key_der_max(MaxBits)] = {};
    detail::der_sink fields{byte_span(body, sizeof body)};
    fields.integer(version, 1);
    fields.integer(n, nn);
    fields.integer(exponent_e, 1);
    fields.integer(d, nn + 1);
    fields.integer(p, hn);
    fields.integer(q, hn);
    fields.integer(dp, hn + 1);
    fields.integer(dq, hn + 1);
    fields.integer(qinv, hn);
    detail::der_sink der{out};
    der.byte(0x30);
    der.length(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) der.byte(body[i]);
    secure_wipe(body, sizeof body);
    for (Word* secret : {p, q, p1, q1, qinv, diff}) secure_wipe(secret, half_cap);
    for (Word* secret : {dp, dq}) secure_wipe(secret, half_cap + 1);
    secure_wipe(phi, std::size(phi));
    secure_wipe(d, std::size(d));
    if (!fields.ok() || !der.ok()) {
        secure_wipe(out.data(), out.size());
        return errc::buffer_too_small;
    }
    return der.size();
}

}  // namespace carapace
