// HMAC (RFC 2104) over any carapace hash, usable in constant evaluation.
//
//   auto tag = carapace::hmac<carapace::sha256>::mac(key, message);
//   carapace::hmac<carapace::sha256> h(key); h.update(part1); h.update(part2); auto t = h.final();
//   bool ok = carapace::hmac<carapace::sha256>::verify(key, message, received_tag);
//
// The keyed object can be copied to MAC many messages under one key without rehashing the key
// (HKDF-Expand does that).
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace {

// HMAC (RFC 2104) over any hash of the library: mac() in one shot, or update() and final().
template <class Hash>
class hmac {
public:
    // The tag size in bytes: the hash's output size.
    static constexpr std::size_t tag_size = Hash::digest_size;
    // Shortest truncated tag verify() accepts: RFC 2104 §5 asks for at least half the hash
    // output and at least 80 bits; 128 bits is the common floor for SHA-2 (and Wycheproof's).
    static constexpr std::size_t min_truncated_tag_size = 16;
    // The tag type: the hash's full output.
    using tag = bytes<tag_size>;

    // Keys the MAC; a key longer than the hash's block is hashed first.
    constexpr explicit hmac(byte_view key) noexcept {
        bytes<Hash::block_size> block{};
        if (key.size() > Hash::block_size) {
            const auto key_digest = Hash::hash(key);
            for (std::size_t i = 0; i < key_digest.size(); ++i) block[i] = key_digest[i];
        } else {
            for (std::size_t i = 0; i < key.size(); ++i) block[i] = key[i];
        }
        for (auto& b : block) b ^= 0x36;
        inner_.update(block);
        for (auto& b : block) b ^= 0x36 ^ 0x5c;
        outer_.update(block);
        secure_wipe(block);
    }

    // Absorbs more of the message.
    constexpr hmac& update(byte_view data) noexcept {
        inner_.update(data);
        return *this;
    }

    // Writes the tag. The object is spent afterwards: copy a keyed object to MAC more messages.
    constexpr void final(fixed_span<tag_size> out) noexcept {
        const auto inner_digest = inner_.final();
        outer_.update(inner_digest);
        outer_.final(out);
    }

    // The tag; the object is spent afterwards.
    [[nodiscard]] constexpr tag final() noexcept {
        tag out{};
        final(out);
        return out;
    }

    // The tag of `data` under `key` in one call.
    [[nodiscard]] static constexpr tag mac(byte_view key, byte_view data) noexcept {
        hmac h(key);
        h.update(data);
        return h.final();
    }

    // Checks a tag, possibly truncated to its leftmost bytes (RFC 2104 §5), in constant time.
    // Tags shorter than min_truncated_tag_size or longer than tag_size never verify.
    [[nodiscard]] static constexpr bool verify(byte_view key, byte_view data,
                                               byte_view received) noexcept {
        if (received.size() < min_truncated_tag_size || received.size() > tag_size) return false;
        auto expected = mac(key, data);
        const bool ok = ct::declassify(ct::equal(byte_view(expected).first(received.size()), received));
        secure_wipe(expected);
        return ok;
    }

private:
    Hash inner_;  // has absorbed key ^ ipad
    Hash outer_;  // has absorbed key ^ opad
};

}  // namespace carapace
