// The hash functions RSA signatures name (RFC 8017 §9.2 note 1 and Appendix B.1, FIPS 202,
// RFC 8702): SHA-256, SHA-384, SHA-512 and SHA3-256/384/512 for signing and verification; SHA-1,
// SHA-224, SHA-512/224, SHA-512/256 and SHA3-224 for verification only (old certificates, and the
// Wycheproof files that test them); SHAKE128 and SHAKE256 for RSASSA-PSS only (RFC 8702 §3.1:
// fixed 32- and 64-byte message digests, the SHAKE itself as the mask generation function; no
// DigestInfo is defined for them, so PKCS#1 v1.5 refuses them). Each fixed-length hash with its
// DigestInfo prefix (the DER of DigestInfo up to the digest, §9.2 note 1), and MGF1 (RFC 8017
// Appendix B.2.1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha1.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/hash/sha512.hpp"

namespace carapace {

namespace rsa_hashes {
// In a namespace of its own: beside the classes sha256 and sha512 the names would shadow them.
enum class rsa_hash : std::uint8_t {
    sha256, sha384, sha512, sha1, sha224, sha512_224, sha512_256,
    sha3_224, sha3_256, sha3_384, sha3_512,
    shake128, shake256,  // RSASSA-PSS only, as message hash and MGF together (RFC 8702 §3.1)
};
}  // namespace rsa_hashes
using rsa_hashes::rsa_hash;

// The digest size of a hash, in bytes.
constexpr std::size_t digest_size(rsa_hash h) noexcept {
    switch (h) {
        case rsa_hash::sha1: return 20;
        case rsa_hash::sha224:
        case rsa_hash::sha512_224:
        case rsa_hash::sha3_224: return 28;
        case rsa_hash::sha256:
        case rsa_hash::sha512_256:
        case rsa_hash::sha3_256:
        case rsa_hash::shake128: return 32;
        case rsa_hash::sha384:
        case rsa_hash::sha3_384: return 48;
        case rsa_hash::sha512:
        case rsa_hash::sha3_512:
        case rsa_hash::shake256: return 64;
    }
    return 0;
}

constexpr bool rsa_hash_is_shake(rsa_hash h) noexcept {
    return h == rsa_hash::shake128 || h == rsa_hash::shake256;
}

// Whether signing accepts this hash (the verification-only ones are refused with
// errc::invalid_argument). SHAKE signs with PSS only: PKCS#1 v1.5 has no DigestInfo for it.
constexpr bool rsa_hash_signs(rsa_hash h) noexcept {
    switch (h) {
        case rsa_hash::sha256:
        case rsa_hash::sha384:
        case rsa_hash::sha512:
        case rsa_hash::sha3_256:
        case rsa_hash::sha3_384:
        case rsa_hash::sha3_512:
        case rsa_hash::shake128:
        case rsa_hash::shake256: return true;
        default: return false;
    }
}

namespace detail {

inline constexpr std::size_t rsa_max_digest = 64;

// A SHAKE cut to a fixed output length, shaped like the fixed-length hashes (update, final,
// hash): RFC 8702 §3.1's message digest of RSASSA-PSS, 32 bytes of SHAKE128 or 64 of SHAKE256.
template <class Xof, std::size_t Size>
class shake_digest {
public:
    static constexpr std::size_t digest_size = Size;
    using digest = bytes<Size>;

    constexpr shake_digest& update(byte_view data) noexcept {
        xof_.update(data);
        return *this;
    }
    [[nodiscard]] constexpr digest final() noexcept {
        digest out{};
        xof_.finish().squeeze(out);
        return out;
    }
    [[nodiscard]] static constexpr digest hash(byte_view data) noexcept {
        digest out{};
        Xof::hash(data, out);
        return out;
    }

private:
    Xof xof_;
};

using rsa_shake128_digest = shake_digest<shake128, 32>;
using rsa_shake256_digest = shake_digest<shake256, 64>;

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
        case rsa_hash::sha3_224: return f.template operator()<sha3_224>();
        case rsa_hash::sha3_256: return f.template operator()<sha3_256>();
        case rsa_hash::sha3_384: return f.template operator()<sha3_384>();
        case rsa_hash::sha3_512: return f.template operator()<sha3_512>();
        case rsa_hash::shake128: return f.template operator()<rsa_shake128_digest>();
        case rsa_hash::shake256: return f.template operator()<rsa_shake256_digest>();
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
// Appendix A.2.4 and NIST's hash arc 2.16.840.1.101.3.4.2, where SHA3-224..512 are 7..10).
// Size 0 for SHAKE, which has none.
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
        case rsa_hash::sha3_224: last = 0x07; break;
        case rsa_hash::sha3_256: last = 0x08; break;
        case rsa_hash::sha3_384: last = 0x09; break;
        case rsa_hash::sha3_512: last = 0x0a; break;
        case rsa_hash::shake128:
        case rsa_hash::shake256: return {{}, 0};
        default: break;
    }
    const auto size = static_cast<std::uint8_t>(digest_size(h));
    return {{0x30, static_cast<std::uint8_t>(0x11 + size), 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
             0x03, 0x04, 0x02, last, 0x05, 0x00, 0x04, size},
            19};
}

// Exclusive-ors MGF1(seed, out.size()) with Hash h into out (RFC 8017 B.2.1: the hashes of
// seed || counter, counter a 4-byte big-endian integer from 0). h is a fixed-length hash; PSS
// reaches this through mgf_xor, which gives SHAKE its own MGF.
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

// Exclusive-ors the first out.size() bytes of SHAKE(seed) into out: RFC 8702 §3.1's MGF, the
// XOF's output of the wanted length instead of MGF1's iterations.
template <class Xof>
constexpr void shake_mask_xor(byte_view seed, byte_span out) noexcept {
    Xof xof;
    xof.update(seed);
    auto reader = xof.finish();
    std::uint8_t block[64] = {};
    for (std::size_t done = 0; done < out.size();) {
        const std::size_t n = out.size() - done < sizeof block ? out.size() - done : sizeof block;
        reader.squeeze(byte_span(block, n));
        for (std::size_t i = 0; i < n; ++i) out[done + i] ^= block[i];
        done += n;
    }
    secure_wipe(block, sizeof block);
}

// The mask generation function PSS pairs with h: MGF1 over a fixed-length hash, the SHAKE itself
// for SHAKE128 and SHAKE256 (RFC 8702 §3.1).
constexpr void mgf_xor(rsa_hash h, byte_view seed, byte_span out) noexcept {
    if (h == rsa_hash::shake128) shake_mask_xor<shake128>(seed, out);
    else if (h == rsa_hash::shake256) shake_mask_xor<shake256>(seed, out);
    else mgf1_xor(h, seed, out);
}

// Whether PSS may pair this message hash and this MGF: any two fixed-length hashes (MGF1 over the
// second), but SHAKE only with itself (RFC 8702 §3.1: both SHAKE128 or both SHAKE256).
constexpr bool pss_hashes_pair(rsa_hash content, rsa_hash mgf) noexcept {
    return (!rsa_hash_is_shake(content) && !rsa_hash_is_shake(mgf)) || content == mgf;
}

}  // namespace detail
}  // namespace carapace
