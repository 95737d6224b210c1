// RSA public keys and signature verification: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) and
// RSASSA-PSS (§8.1.2), on the message or on its digest, with the hashes of rsa_hash.hpp.
// Variable time: every input is public.
//
// Limits, checked on every call (a view may be built by hand):
// - modulus: odd, 1024 to 8192 bits (rsa_min_bits, rsa_max_verify_bits). 8192 bounds the work
//   an attacker's key can ask for; 1024 admits RFC 8448's example key and old private PKIs. The
//   Web PKI's floor, 2048 bits (CA/Browser Forum Baseline Requirements §6.1.5), is a policy
//   (rsa_web_pki_min_bits) that X.509 profiles and TLS apply, not a limit of the arithmetic.
// - public exponent: odd, 3 <= e < 2^32. RFC 8017 §3.1 asks 3 <= e <= n - 1; the upper bound
//   (ours, like Windows CNG's and Go's) keeps verification to at most 32 squarings. Every key in
//   use has e = 65537 or a smaller one (3, 17).
// - signature: exactly k octets (k the modulus length, §8.1.2 step 1, §8.2.2 step 1) and, as an
//   integer, below n (RSAVP1 §5.2.2 step 1).
// PKCS#1 v1.5 builds the expected encoding and compares it whole; no padding is ever parsed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/rsa/detail/bignum.hpp"
#include "carapace/rsa/detail/emsa.hpp"
#include "carapace/rsa/detail/modexp.hpp"
#include "carapace/rsa/detail/montgomery.hpp"
#include "carapace/rsa/detail/rsa_der.hpp"
#include "carapace/rsa/rsa_hash.hpp"

namespace carapace {

// The smallest modulus verified, in bits.
inline constexpr std::size_t rsa_min_bits = 1024;
// The largest modulus verified, in bits.
inline constexpr std::size_t rsa_max_verify_bits = 8192;
inline constexpr std::size_t rsa_web_pki_min_bits = 2048;  // for policies; not checked here

// A public key as views of big-endian bytes without leading zeros, into the DER it was parsed
// from (or any buffer the caller keeps alive).
struct rsa_public_key_view {
    // The modulus n, big-endian.
    byte_view modulus;
    // The public exponent e, big-endian.
    byte_view exponent;
    // The modulus size in bits.
    [[nodiscard]] constexpr std::size_t bits() const noexcept { return detail::bn_bits_of(modulus); }
    // The modulus size in bytes: the size of a signature.
    [[nodiscard]] constexpr std::size_t size() const noexcept { return (bits() + 7) / 8; }  // k
};

// errc::ok when the key is within the limits above; errc::invalid_argument otherwise.
[[nodiscard]] constexpr errc check_rsa_public_key(const rsa_public_key_view& key) noexcept {
    const byte_view n = detail::bn_trim(key.modulus), e = detail::bn_trim(key.exponent);
    const std::size_t bits = detail::bn_bits_of(n);
    if (bits < rsa_min_bits || bits > rsa_max_verify_bits || (n.back() & 1u) == 0) return errc::invalid_argument;
    if (e.empty() || e.size() > 4 || (e.back() & 1u) == 0 || (e.size() == 1 && e[0] < 3)) return errc::invalid_argument;
    return errc::ok;
}

// RSAPublicKey (PKCS#1, PEM "RSA PUBLIC KEY"), the whole of `der`; checked as above.
[[nodiscard]] constexpr result<rsa_public_key_view> parse_rsa_public_key_pkcs1(byte_view der) noexcept {
    auto parts = detail::parse_rsa_public_der(der);
    if (!parts) return parts.error();
    const rsa_public_key_view key{parts->modulus, parts->exponent};
    if (const errc e = check_rsa_public_key(key); e != errc::ok) return e;
    return key;
}

// SubjectPublicKeyInfo with rsaEncryption (PEM "PUBLIC KEY"), the whole of `der`.
[[nodiscard]] constexpr result<rsa_public_key_view> parse_rsa_spki(byte_view der) noexcept {
    auto parts = detail::parse_rsa_spki_der(der);
    if (!parts) return parts.error();
    const rsa_public_key_view key{parts->modulus, parts->exponent};
    if (const errc e = check_rsa_public_key(key); e != errc::ok) return e;
    return key;
}

namespace detail {

template <class Word>
inline constexpr std::size_t rsa_verify_words = bn_words_for<Word>(rsa_max_verify_bits);

// RSAVP1 (§5.2.2) and I2OSP into em (k bytes) with a prepared modulus: false for a signature of
// the wrong length or not below n.
template <class Modulus>
[[nodiscard]] constexpr bool rsa_public_op(const Modulus& mod, std::uint32_t e, std::size_t k, byte_view signature,
                                           byte_span em) noexcept {
    using Word = typename Modulus::word;
    constexpr std::size_t cap = Modulus::capacity;
    if (signature.size() != k || em.size() != k) return false;
    Word s[cap] = {}, m[cap] = {};
    bn_from_bytes(s, cap, signature);
    if (!bn_less_than(s, mod.modulus(), mod.words())) return false;
    pow_public(mod, m, s, e);
    bn_to_bytes(em, m, mod.words());
    return true;
}

// The public exponent of a checked key (at most 32 bits).
constexpr std::uint32_t rsa_exponent_value(byte_view e_bytes) noexcept {
    std::uint32_t e = 0;
    for (const std::uint8_t b : bn_trim(e_bytes)) e = e << 8 | b;
    return e;
}

// The two verifications given `op(signature, em)`, RSAVP1 into k bytes, and the modulus's bits.
template <class Op>
[[nodiscard]] constexpr bool rsa_verify_pkcs1_em(Op&& op, std::size_t k, rsa_hash h, byte_view digest,
                                                 byte_view signature) noexcept {
    std::uint8_t em[rsa_max_bytes] = {}, expected[rsa_max_bytes] = {};
    if (k > rsa_max_bytes || !op(signature, byte_span(em, k))) return false;
    if (!emsa_pkcs1_encode(h, digest, byte_span(expected, k))) return false;
    return ct::equal(byte_view(em, k), byte_view(expected, k));
}

template <class Op>
[[nodiscard]] constexpr bool rsa_verify_pss_em(Op&& op, std::size_t k, std::size_t bits, rsa_hash content,
                                               rsa_hash mgf, std::size_t salt_length, byte_view digest,
                                               byte_view signature) noexcept {
    std::uint8_t em[rsa_max_bytes] = {};
    if (k > rsa_max_bytes || !op(signature, byte_span(em, k))) return false;
    // emBits = modBits - 1: when modBits is 1 mod 8 the encoding is a byte shorter than k and the
    // first byte of the integer must be zero (I2OSP into emLen octets, §8.1.2 step 2c).
    const std::size_t em_bits = bits - 1, em_len = (em_bits + 7) / 8;
    if (em_len < k && em[0] != 0) return false;
    return emsa_pss_verify(content, mgf, digest, salt_length, em_bits, byte_span(em + (k - em_len), em_len));
}

// RSAVP1 for a key given as a view: checks it and prepares its modulus on every call.
template <class Word>
struct rsa_view_op {
    const rsa_public_key_view& key;
    constexpr bool operator()(byte_view signature, byte_span em) const noexcept {
        if (check_rsa_public_key(key) != errc::ok) return false;
        mont_modulus<Word, rsa_verify_words<Word>> mod;
        if (!mod.set(key.modulus, true)) return false;
        return rsa_public_op(mod, rsa_exponent_value(key.exponent), key.size(), signature, em);
    }
};

template <class Word>
[[nodiscard]] constexpr bool rsa_verify_pkcs1_digest_with(const rsa_public_key_view& key, rsa_hash h, byte_view digest,
                                                          byte_view signature) noexcept {
    return rsa_verify_pkcs1_em(rsa_view_op<Word>{key}, key.size(), h, digest, signature);
}

template <class Word>
[[nodiscard]] constexpr bool rsa_verify_pss_digest_with(const rsa_public_key_view& key, rsa_hash content, rsa_hash mgf,
                                                        std::size_t salt_length, byte_view digest,
                                                        byte_view signature) noexcept {
    return rsa_verify_pss_em(rsa_view_op<Word>{key}, key.size(), key.bits(), content, mgf, salt_length, digest,
                             signature);
}

}  // namespace detail

// RSASSA-PKCS1-v1_5-VERIFY on a digest computed by the caller (digest_size(h) bytes).
[[nodiscard]] constexpr bool rsa_verify_pkcs1_digest(const rsa_public_key_view& key, rsa_hash h, byte_view digest,
                                                     byte_view signature) noexcept {
    return detail::rsa_verify_pkcs1_digest_with<detail::bn_word>(key, h, digest, signature);
}

// RSASSA-PKCS1-v1_5-VERIFY (§8.2.2) of a message.
[[nodiscard]] constexpr bool rsa_verify_pkcs1(const rsa_public_key_view& key, rsa_hash h, byte_view message,
                                              byte_view signature) noexcept {
    std::uint8_t digest[detail::rsa_max_digest] = {};
    detail::rsa_digest(h, message, digest);
    return rsa_verify_pkcs1_digest(key, h, byte_view(digest, digest_size(h)), signature);
}

// RSASSA-PSS-VERIFY on a digest (digest_size(content_hash) bytes), with MGF1 over mgf1_hash and
// the salt length the caller expects (TLS 1.3: the digest length, RFC 8446 §4.2.3; X.509: the
// RSASSA-PSS-params' saltLength, RFC 4055 §3.1). With SHAKE128 or SHAKE256 as content_hash,
// mgf1_hash must name the same SHAKE, which is then the MGF itself (RFC 8702 §3.1, where the salt
// is 32 or 64 bytes); any other pairing with a SHAKE verifies nothing.
[[nodiscard]] constexpr bool rsa_verify_pss_digest(const rsa_public_key_view& key, rsa_hash content_hash,
                                                   rsa_hash mgf1_hash, std::size_t salt_length, byte_view digest,
                                                   byte_view signature) noexcept {
    return detail::rsa_verify_pss_digest_with<detail::bn_word>(key, content_hash, mgf1_hash, salt_length, digest,
                                                               signature);
}

// RSASSA-PSS-VERIFY (§8.1.2) of a message.
[[nodiscard]] constexpr bool rsa_verify_pss(const rsa_public_key_view& key, rsa_hash content_hash, rsa_hash mgf1_hash,
                                            std::size_t salt_length, byte_view message, byte_view signature) noexcept {
    std::uint8_t digest[detail::rsa_max_digest] = {};
    detail::rsa_digest(content_hash, message, digest);
    const byte_view d(digest, digest_size(content_hash));
    return rsa_verify_pss_digest(key, content_hash, mgf1_hash, salt_length, d, signature);
}

// A public key prepared once (its Montgomery constants computed) for several verifications:
// what the free functions above do on every call. MaxBits bounds the modulus (at most 8192).
template <std::size_t MaxBits = rsa_max_verify_bits, class Word = detail::bn_word,
          class Engine = detail::rsa_mont_dispatch>
class rsa_public_key {
    static_assert(MaxBits >= rsa_min_bits && MaxBits <= rsa_max_verify_bits);

public:
    constexpr rsa_public_key() noexcept = default;

    // errc::invalid_argument for a key outside the limits of check_rsa_public_key or MaxBits.
    [[nodiscard]] static constexpr result<rsa_public_key> from_view(const rsa_public_key_view& view) noexcept {
        if (check_rsa_public_key(view) != errc::ok || view.bits() > MaxBits) return errc::invalid_argument;
        rsa_public_key key;
        if (!key.mod_.set(view.modulus, true)) return errc::invalid_argument;
        key.e_ = detail::rsa_exponent_value(view.exponent);
        key.bits_ = view.bits();
        return key;
    }

    // The modulus size in bits.
    [[nodiscard]] constexpr std::size_t bits() const noexcept { return bits_; }
    // The modulus size in bytes: the size of a signature.
    [[nodiscard]] constexpr std::size_t size() const noexcept { return (bits_ + 7) / 8; }

    // Verifies a PKCS#1 v1.5 signature over a precomputed digest.
    [[nodiscard]] constexpr bool verify_pkcs1_digest(rsa_hash h, byte_view digest, byte_view signature) const noexcept {
        return detail::rsa_verify_pkcs1_em(op(), size(), h, digest, signature);
    }
    // Verifies a PKCS#1 v1.5 signature over `message`.
    [[nodiscard]] constexpr bool verify_pkcs1(rsa_hash h, byte_view message, byte_view signature) const noexcept {
        std::uint8_t digest[detail::rsa_max_digest] = {};
        detail::rsa_digest(h, message, digest);
        return verify_pkcs1_digest(h, byte_view(digest, digest_size(h)), signature);
    }
    // Verifies a PSS signature over a precomputed digest.
    [[nodiscard]] constexpr bool verify_pss_digest(rsa_hash content_hash, rsa_hash mgf1_hash, std::size_t salt_length,
                                                   byte_view digest, byte_view signature) const noexcept {
        return detail::rsa_verify_pss_em(op(), size(), bits_, content_hash, mgf1_hash, salt_length, digest, signature);
    }
    // Verifies a PSS signature over `message`.
    [[nodiscard]] constexpr bool verify_pss(rsa_hash content_hash, rsa_hash mgf1_hash, std::size_t salt_length,
                                            byte_view message, byte_view signature) const noexcept {
        std::uint8_t digest[detail::rsa_max_digest] = {};
        detail::rsa_digest(content_hash, message, digest);
        const byte_view d(digest, digest_size(content_hash));
        return verify_pss_digest(content_hash, mgf1_hash, salt_length, d, signature);
    }

private:
    constexpr auto op() const noexcept {
        return [this](byte_view signature, byte_span em) {
            return bits_ != 0 && detail::rsa_public_op(mod_, e_, size(), signature, em);
        };
    }

    detail::mont_modulus<Word, detail::bn_words_for<Word>(MaxBits), Engine> mod_;
    std::uint32_t e_ = 0;
    std::size_t bits_ = 0;
};

}  // namespace carapace
