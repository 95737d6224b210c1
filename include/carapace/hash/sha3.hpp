// SHA-3 and SHAKE (FIPS 202 §6): SHA3-224/256/384/512 shaped like the SHA-2 hashes (so HMAC and
// HKDF take them; the HMAC block size is the rate, as NIST SP 800-224 and Wycheproof use), and the
// extendable-output functions SHAKE128/256 with any number of absorb and squeeze calls.
//
//   auto digest = carapace::sha3_256::hash(message);
//   carapace::shake128 x; x.update(part1).update(part2);
//   auto reader = x.finish();            // no more input: a reader squeezes as much as wanted
//   reader.squeeze(first_32_bytes); reader.squeeze(next_500_bytes);
//
// The reader is a separate type so that absorbing after squeezing cannot be written.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/hash/detail/keccak.hpp"

namespace carapace {

// SHA3-224/256/384/512 (FIPS 202): one shot with hash(), or update() in any split and final().
template <std::size_t DigestSize>
class sha3 {
    static_assert(DigestSize == 28 || DigestSize == 32 || DigestSize == 48 || DigestSize == 64);
    // Capacity is twice the digest length (FIPS 202 §6.1).
    using sponge = detail::keccak_sponge<200 - 2 * DigestSize, 0x06>;

public:
    // The algorithm's name, e.g. "SHA3-256".
    static constexpr const char* algorithm_name = DigestSize == 28   ? "SHA3-224"
                                                  : DigestSize == 32 ? "SHA3-256"
                                                  : DigestSize == 48 ? "SHA3-384"
                                                                     : "SHA3-512";
    // The digest size in bytes.
    static constexpr std::size_t digest_size = DigestSize;
    // The sponge's rate in bytes (the block size HMAC uses).
    static constexpr std::size_t block_size = sponge::rate;
    // The digest type.
    using digest = bytes<digest_size>;

    // Absorbs more input.
    constexpr sha3& update(byte_view data) noexcept {
        sponge_.absorb(data);
        return *this;
    }

    // Writes the digest and resets the object, ready to hash a new message.
    constexpr void final(fixed_span<digest_size> out) noexcept {
        sponge_.finish_absorbing();
        sponge_.squeeze(out);
        sponge_.reset();
    }

    // The digest; the object is spent afterwards.
    [[nodiscard]] constexpr digest final() noexcept {
        digest out{};
        final(out);
        return out;
    }

    // The digest of `data` in one call.
    [[nodiscard]] static constexpr digest hash(byte_view data) noexcept {
        sha3 h;
        h.update(data);
        return h.final();
    }

private:
    sponge sponge_;
};

// SHA3-224.
using sha3_224 = sha3<28>;
// SHA3-256.
using sha3_256 = sha3<32>;
// SHA3-384.
using sha3_384 = sha3<48>;
// SHA3-512.
using sha3_512 = sha3<64>;

// SHAKE128 (SecurityBits 128, rate 168) and SHAKE256 (rate 136), FIPS 202 §6.2.
template <std::size_t SecurityBits>
class shake {
    static_assert(SecurityBits == 128 || SecurityBits == 256);
    using sponge = detail::keccak_sponge<200 - SecurityBits / 4, 0x1f>;

public:
    // The algorithm's name, "SHAKE128" or "SHAKE256".
    static constexpr const char* algorithm_name = SecurityBits == 128 ? "SHAKE128" : "SHAKE256";
    // The sponge's rate in bytes.
    static constexpr std::size_t rate = sponge::rate;

    // The squeezing phase: each call continues the output stream where the last one stopped.
    class reader {
    public:
        // Writes the next out.size() bytes of output.
        constexpr reader& squeeze(byte_span out) noexcept {
            sponge_.squeeze(out);
            return *this;
        }

    private:
        friend class shake;
        constexpr explicit reader(const sponge& s) noexcept : sponge_(s) {}
        sponge sponge_;
    };

    // Absorbs more input.
    constexpr shake& update(byte_view data) noexcept {
        sponge_.absorb(data);
        return *this;
    }

    // Ends the input; this object is reset to hash a new message.
    [[nodiscard]] constexpr reader finish() noexcept {
        sponge_.finish_absorbing();
        reader r(sponge_);
        sponge_.reset();
        return r;
    }

    // One shot: out.size() bytes of output for the whole of data.
    static constexpr void hash(byte_view data, byte_span out) noexcept {
        shake x;
        x.update(data);
        x.finish().squeeze(out);
    }

private:
    sponge sponge_;
};

// SHAKE128: output of any length, at most 128-bit security.
using shake128 = shake<128>;
// SHAKE256: output of any length, at most 256-bit security.
using shake256 = shake<256>;

}  // namespace carapace
