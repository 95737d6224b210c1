// ECDSA on P-256 and P-384 (FIPS 186-5 §6.4) with deterministic nonces (RFC 6979 §3.2), hedged
// when the caller gives fresh randomness: it enters the HMAC_DRBG as the additional data RFC 6979
// §3.6 allows, so a bad random generator alone cannot repeat a nonce and a fault alone cannot
// leak the key through two signatures of one message. Signatures as r||s (IEEE P1363) or DER
// (ecdsa_der.hpp). Signing is constant time in the key and the nonce; verification is variable
// time (public inputs) and checks 0 < r, s < n and the public point (SEC1, validated).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ecdsa_der.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace {

namespace ecdsa_hashes {
// In a namespace of its own: declared beside the classes sha256 and sha512, the names would
// shadow them (-Wshadow).
enum class ecdsa_hash : std::uint8_t { sha256, sha384, sha512 };
}  // namespace ecdsa_hashes
using ecdsa_hashes::ecdsa_hash;

// The digest size of an ECDSA hash, in bytes.
constexpr std::size_t digest_size(ecdsa_hash h) noexcept {
    return h == ecdsa_hash::sha256 ? 32 : h == ecdsa_hash::sha384 ? 48 : 64;
}

namespace detail {

// f.template operator()<Hash>() for the hash h names.
template <class F>
constexpr decltype(auto) with_ecdsa_hash(ecdsa_hash h, F&& f) {
    if (h == ecdsa_hash::sha256) return f.template operator()<sha256>();
    if (h == ecdsa_hash::sha384) return f.template operator()<sha384>();
    return f.template operator()<sha512>();
}

// bits2int (RFC 6979 §2.3.2) for a curve whose order has exactly 8*Size bits: the leftmost Size
// bytes of a longer digest, a shorter one zero-extended on the left. Not reduced modulo n.
template <std::size_t Size>
constexpr void bits2int(std::uint8_t (&out)[Size], byte_view digest) noexcept {
    for (auto& b : out) b = 0;
    if (digest.size() >= Size) {
        for (std::size_t i = 0; i < Size; ++i) out[i] = digest[i];
    } else {
        for (std::size_t i = 0; i < digest.size(); ++i) out[Size - digest.size() + i] = digest[i];
    }
}

// RFC 6979 §3.2 steps b-h with HMAC<Hash>: yields candidate nonces in turn (next()).
template <class Hash, std::size_t Size>
class rfc6979_nonces {
public:
    // x: the private key (int2octets); h: bits2octets(h1), i.e. bits2int(h1) mod n; extra: §3.6
    // additional data (empty for plain RFC 6979).
    constexpr rfc6979_nonces(const std::uint8_t (&x)[Size], const std::uint8_t (&h)[Size], byte_view extra) noexcept {
        for (auto& b : v_) b = 1;
        for (std::uint8_t round = 0; round < 2; ++round) {
            hmac<Hash> mac(k_);
            const std::uint8_t sep[1] = {round};
            mac.update(v_).update(sep).update(x).update(h).update(extra);
            mac.final(k_);
            hmac<Hash>(k_).update(v_).final(v_);
        }
    }
    constexpr ~rfc6979_nonces() {
        secure_wipe(k_);
        secure_wipe(v_);
    }
    rfc6979_nonces(const rfc6979_nonces&) = delete;
    rfc6979_nonces& operator=(const rfc6979_nonces&) = delete;

    // The next candidate T (steps h.1-h.2), before bits2int, which for these curves keeps its
    // leftmost Size bytes; the caller checks the range. After the first, step h.3 moves on first.
    constexpr void next(std::uint8_t (&t)[Size]) noexcept {
        if (started_) {
            const std::uint8_t zero[1] = {0};
            hmac<Hash>(k_).update(v_).update(zero).final(k_);
            hmac<Hash>(k_).update(v_).final(v_);
        }
        started_ = true;
        std::size_t filled = 0;
        while (filled < Size) {
            hmac<Hash>(k_).update(v_).final(v_);
            for (std::size_t i = 0; i < v_.size() && filled < Size; ++i) t[filled++] = v_[i];
        }
    }

private:
    bytes<Hash::digest_size> k_{};
    bytes<Hash::digest_size> v_{};
    bool started_ = false;
};

}  // namespace detail

// A private key d with its public point [d]G. Wiped when destroyed.
template <class Curve, class Engine = typename Curve::engine>
class ecdsa_private_key {
public:
    // The scalar size in bytes.
    static constexpr std::size_t size = Curve::scalar_size;

    // No key (all zero): only for storage to be assigned later; from_scalar makes a usable one.
    constexpr ecdsa_private_key() noexcept = default;
    // errc::invalid_argument when the scalar is 0 or not below n.
    [[nodiscard]] static constexpr result<ecdsa_private_key> from_scalar(fixed_view<size> scalar) noexcept {
        ecdsa_private_key key;
        for (std::size_t i = 0; i < size; ++i) key.d_[i] = scalar[i];
        key.public_[0] = 4;
        if (!Engine::public_key(key.public_.data() + 1, key.d_)) return errc::invalid_argument;
        return key;
    }

    constexpr ecdsa_private_key(const ecdsa_private_key&) noexcept = default;
    constexpr ecdsa_private_key& operator=(const ecdsa_private_key&) noexcept = default;
    constexpr ~ecdsa_private_key() { secure_wipe(d_, size); }

    // SEC1 uncompressed.
    [[nodiscard]] constexpr const bytes<Curve::uncompressed_size>& public_key() const noexcept { return public_; }

    // r||s over the hash of `message`. `extra`: fresh random bytes to hedge with (see the top of
    // this file), or empty for the deterministic signature of RFC 6979.
    constexpr void sign(fixed_span<Curve::signature_size> signature, byte_view message, ecdsa_hash h,
                        byte_view extra = {}) const noexcept {
        detail::with_ecdsa_hash(h, [&]<class Hash>() {
            auto digest = Hash::hash(message);
            sign_with<Hash>(signature, digest, extra);
            secure_wipe(digest);
        });
    }

    // r||s over a digest made with h (any length works; RFC 6979's HMAC uses h).
    constexpr void sign_digest(fixed_span<Curve::signature_size> signature, byte_view digest, ecdsa_hash h,
                               byte_view extra = {}) const noexcept {
        detail::with_ecdsa_hash(h, [&]<class Hash>() { sign_with<Hash>(signature, digest, extra); });
    }

private:
    template <class Hash>
    constexpr void sign_with(fixed_span<Curve::signature_size> signature, byte_view digest,
                             byte_view extra) const noexcept {
        std::uint8_t e[size] = {}, h[size] = {}, k[size] = {};
        detail::bits2int(e, digest);
        reduce(h, e);  // bits2octets
        detail::rfc6979_nonces<Hash, size> nonces(d_, h, extra);
        // A candidate fails (k out of range, r or s zero) with probability below 2^-32 for these
        // curves; the budget only keeps the loop bounded.
        for (int attempt = 0; attempt < 64; ++attempt) {
            nonces.next(k);
            if (!Engine::scalar_in_range(k)) continue;
            if (Engine::sign(signature.data(), d_, k, e)) break;
        }
        secure_wipe(k, size);
        secure_wipe(h, size);
    }

    // out = v mod n for v < 2^bits: n > 2^(bits-1), so v - n when that does not borrow.
    static constexpr void reduce(std::uint8_t (&out)[size], const std::uint8_t (&v)[size]) noexcept {
        std::uint8_t diff[size] = {};
        std::uint32_t borrow = 0;
        for (std::size_t i = size; i-- > 0;) {
            const std::uint32_t n_byte = order_byte(i);
            const std::uint32_t d = std::uint32_t{v[i]} - n_byte - borrow;
            diff[i] = static_cast<std::uint8_t>(d);
            borrow = (d >> 8) & 1;
        }
        const auto keep = static_cast<std::uint8_t>(ct::mask_from_bit(borrow));
        for (std::size_t i = 0; i < size; ++i) out[i] = ct::select(keep, v[i], diff[i]);
    }
    // Byte i (big-endian) of the group order n.
    static constexpr std::uint32_t order_byte(std::size_t i) noexcept {
        const std::size_t bit = 8 * (size - 1 - i);
        return static_cast<std::uint32_t>((Curve::params::order::modulus[bit / 64] >> (bit % 64)) & 0xff);
    }

    std::uint8_t d_[size] = {};
    bytes<Curve::uncompressed_size> public_{};
};

// Verifies r||s over a digest. public_key: SEC1 (uncompressed or compressed).
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr bool ecdsa_verify_digest(byte_view public_key, byte_view digest, byte_view signature) noexcept {
    constexpr std::size_t size = Curve::scalar_size;
    if (signature.size() != 2 * size) return false;
    std::uint8_t e[size] = {};
    detail::bits2int(e, digest);
    return Engine::verify(public_key.data(), public_key.size(), e, signature.data(), signature.data() + size);
}

// Verifies an r||s signature over `message` hashed with `h`, against a SEC 1 public key.
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr bool ecdsa_verify(byte_view public_key, byte_view message, ecdsa_hash h,
                                          byte_view signature) noexcept {
    return detail::with_ecdsa_hash(h, [&]<class Hash>() {
        const auto digest = Hash::hash(message);
        return ecdsa_verify_digest<Curve, Engine>(public_key, digest, signature);
    });
}

// The same with a DER signature (strict: see ecdsa_der.hpp).
template <class Curve, class Engine = typename Curve::engine>
[[nodiscard]] constexpr bool ecdsa_verify_der(byte_view public_key, byte_view message, ecdsa_hash h,
                                              byte_view der_signature) noexcept {
    bytes<Curve::signature_size> rs{};
    if (!ecdsa_der_to_rs<Curve>(der_signature, rs)) return false;
    return ecdsa_verify<Curve, Engine>(public_key, message, h, rs);
}

}  // namespace carapace
