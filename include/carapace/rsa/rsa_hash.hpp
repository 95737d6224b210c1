// The hash functions RSA signatures name (RFC 8017 §9.2 note 1 and Appendix B.1): SHA-256,
// SHA-384 and SHA-512 for signing and verification; SHA-1, SHA-224, SHA-512/224 and
// SHA-512/256 for verification only (old certificates, and the Wycheproof files that test them).
// Each with its DigestInfo prefix (the DER of DigestInfo up to the digest, §9.2 note 1), and
// MGF1 (RFC 8017 Appendix B.2.1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha1.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"

namespace carapace {

namespace rsa_hashes {
// In a namespace of its own: beside the classes sha256 and sha512 the names would shadow them.
enum class rsa_hash : std::uint8_t { sha256, sha384, sha512, sha1, sha224, sha512_224, sha512_256 };
}  // namespace rsa_hashes
using rsa_hashes::rsa_hash;

// The digest size of a hash, in bytes.
constexpr std::size_t digest_size(rsa_hash h) noexcept {
    switch (h) {
        case rsa_hash::sha1: return 20;
        case rsa_hash::sha224:
        case rsa_hash::sha512_224: return 28;
        case rsa_hash::sha256:
        case rsa_hash::sha512_256: return 32;
        case rsa_hash::sha384: return 48;
        case rsa_hash::sha512: return 64;
    }
    return 0;
}

// Whether signing accepts this hash (the verification-only ones are refused with
// errc::invalid_argument).
constexpr bool rsa_hash_signs(rsa_hash h) noexcept {
    return h == rsa_hash::sha256 || h == rsa_hash::sha384 || h == rsa_hash::sha512;
}

namespace detail {

inline constexpr std::size_t rsa_max_digest = 64;

// f.template operator()<Hash>() for the hash h names.
template <class F>
constexpr decltype(auto) with_rsa_hash(rsa_hash h, F&& f) {
    switch (h) {
        case rsa_hash::sha1: return f.template operator()<sha1>();
        case rsa_hash::sha224: return f.template operator()<sha224>();
        case rsa_hash::sha384: return f.template operator()<sha384>();
        case rsa_hash::sha512: return f.template operator()<sha512>();
        case rsa_hash::sha512_224: return f.template operator()<sha512_224>();
        case rsa_hash::sha512_256: return f.template operator()<sha512_256>();
        case rsa_hash::sha256: break;
    }
    return f.template operator()<sha256>();
}

// Writes the digest of `message` under h to out (at least digest_size(h) bytes).
constexpr void rsa_digest(rsa_hash h, byte_view message, std::uint8_t* out) noexcept {
    with_rsa_hash(h, [&]<class Hash>() {
        const auto d = Hash::hash(message);
        for (std::size_t i = 0; i < d.size(); ++i) out[i] = d[i];
        return 0;
    });
}

// DER of DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier (OID, NULL), digest
// OCTET STRING } up to the digest's octets (RFC 8017 §9.2 note 1; the OIDs of RFC 8017
// Appendix A.2.4 and NIST's hash arc 2.16.840.1.101.3.4.2).
struct digest_info_prefix {
    std::uint8_t bytes[19];
    std::size_t size;
};

constexpr digest_info_prefix digest_info_of(rsa_hash h) noexcept {
    if (h == rsa_hash::sha1)
        return {{0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14}, 15};
    std::uint8_t last = 0x01;  // id-sha256
    switch (h) {
        case rsa_hash::sha384: last = 0x02; break;
        case rsa_hash::sha512: last = 0x03; break;
        case rsa_hash::sha224: last = 0x04; break;
        case rsa_hash::sha512_224: last = 0x05; break;
        case rsa_hash::sha512_256: last = 0x06; break;
        default: break;
    }
    const auto size = static_cast<std::uint8_t>(digest_size(h));
    return {{0x30, static_cast<std::uint8_t>(0x11 + size), 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
             0x03, 0x04, 0x02, last, 0x05, 0x00, 0x04, size},
            19};
}

// Exclusive-ors MGF1(seed, out.size()) with Hash h into out (RFC 8017 B.2.1: the hashes of
// seed || counter, counter a 4-byte big-endian integer from 0).
constexpr void mgf1_xor(rsa_hash h, byte_view seed, byte_span out) noexcept {
    with_rsa_hash(h, [&]<class Hash>() {
        std::uint32_t counter = 0;
        for (std::size_t done = 0; done < out.size(); ++counter) {
            const std::uint8_t c[4] = {static_cast<std::uint8_t>(counter >> 24),
                                       static_cast<std::uint8_t>(counter >> 16),
                                       static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)};
            Hash hash;
            hash.update(seed).update(c);
            auto block = hash.final();
            for (std::size_t i = 0; i < block.size() && done < out.size(); ++i, ++done) out[done] ^= block[i];
            secure_wipe(block);
        }
        return 0;
    });
}

}  // namespace detail
}  // namespace carapace
