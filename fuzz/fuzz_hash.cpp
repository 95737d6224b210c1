// Hashes, HMAC and HKDF under arbitrary input: streaming in input-chosen pieces must equal one
// shot, every engine must equal the portable one, and HKDF must refuse exactly the lengths over
// 255 * HashLen. Any disagreement aborts.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"

namespace {

using carapace::byte_view;

void require(bool condition) {
    if (!condition) std::abort();
}

// Hashes `message` in pieces whose sizes come from `splits`.
template <class Hash>
typename Hash::digest streamed(byte_view message, byte_view splits) {
    Hash h;
    std::size_t at = 0, i = 0;
    while (at < message.size()) {
        const std::size_t piece = splits.empty() ? message.size() : 1 + splits[i++ % splits.size()] * 3u;
        const std::size_t take = piece < message.size() - at ? piece : message.size() - at;
        h.update(message.subspan(at, take));
        at += take;
    }
    return h.final();
}

template <class Fast, class Portable>
void check_hash(byte_view message, byte_view splits) {
    const auto one_shot = Portable::hash(message);
    require(streamed<Portable>(message, splits) == one_shot);
    if (Fast::engine::supported()) {
        require(Fast::hash(message) == one_shot);
        require(streamed<Fast>(message, splits) == one_shot);
    }
}

template <class Hash>
void check_mac_kdf(byte_view key, byte_view message, std::size_t length) {
    const auto tag = carapace::hmac<Hash>::mac(key, message);
    require(carapace::hmac<Hash>::verify(key, message, tag));
    std::vector<std::uint8_t> okm(length);
    const auto e = carapace::hkdf<Hash>(key, message, key, okm);
    require((e == carapace::errc::ok) == (length <= carapace::hkdf_max_output<Hash>));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view input(data, size);
    // Layout: [split count][splits...][key length][key...][message...]
    const std::size_t split_count = size > 0 ? std::size_t{data[0]} % 16 : 0;
    const byte_view splits = input.subspan(size > 0 ? 1 : 0).first(std::min(split_count, size > 0 ? size - 1 : 0));
    const byte_view rest = input.subspan(std::min(size, 1 + splits.size()));
    const std::size_t key_length = rest.empty() ? 0 : std::size_t{rest[0]} % 200;
    const byte_view key = rest.subspan(rest.empty() ? 0 : 1).first(std::min(key_length, rest.empty() ? 0 : rest.size() - 1));
    const byte_view message = rest.subspan(std::min(rest.size(), 1 + key.size()));

    namespace d = carapace::detail;
    check_hash<carapace::sha256, carapace::sha256_with<d::sha256_portable>>(message, splits);
    check_hash<carapace::sha224, carapace::sha224_with<d::sha256_portable>>(message, splits);
    check_hash<carapace::sha512, carapace::sha512_with<d::sha512_portable>>(message, splits);
    check_hash<carapace::sha384, carapace::sha384_with<d::sha512_portable>>(message, splits);

    const std::size_t length = (size > 2 ? (std::size_t{data[size - 1]} << 8 | data[size - 2]) : 0) % 20000;
    check_mac_kdf<carapace::sha256>(key, message, length);
    check_mac_kdf<carapace::sha512>(key, message, length);
    return 0;
}
