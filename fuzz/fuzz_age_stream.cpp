// The age v1 STREAM decryptor on arbitrary payloads, under a fixed key. The first byte picks the
// mode and a split pattern:
//  - even: the rest is a sealed payload; it is decrypted in two different splits (one byte at a
//    time near chunk ends, then in large pieces), which must agree on the released plaintext and
//    the outcome, and agree with random_access where the payload's size is valid;
//  - odd: the rest is plaintext; it is encrypted, and must decrypt back whole and by random access.
// Nothing may crash and memory stays bounded by the decryptor's one-chunk buffer.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "carapace/envelope/stream.hpp"

namespace {

namespace env = carapace::envelope;

void require(bool condition) {
    if (!condition) std::abort();
}

constexpr carapace::bytes<32> key = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                     7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

struct outcome {
    env::error error = env::error::ok;
    std::string released;
};

outcome decrypt(carapace::byte_view in, std::size_t piece) {
    outcome o;
    auto dec = std::make_unique<env::stream_decryptor>(key);
    std::vector<std::uint8_t> plain(env::chunk_size);
    for (std::size_t at = 0; at < in.size();) {
        const std::size_t n = in.size() - at < piece ? in.size() - at : piece;
        std::size_t used = 0;
        while (used < n) {
            const auto s = dec->update(in.subspan(at + used, n - used), plain);
            o.released.append(reinterpret_cast<const char*>(plain.data()), s.produced);
            if (s.status != env::error::ok) {
                o.error = s.status;
                return o;
            }
            used += s.consumed;
        }
        at += n;
    }
    const auto s = dec->finish(plain);
    o.released.append(reinterpret_cast<const char*>(plain.data()), s.produced);
    o.error = s.status;
    return o;
}

// The whole plaintext through random_access, or nullopt-like failure flag.
bool random_access_all(carapace::byte_view in, std::string& out) {
    const env::random_access ra(key, in.size());
    if (ra.status() != env::error::ok) return false;
    std::vector<std::uint8_t> plain(env::chunk_size);
    for (std::uint64_t i = 0; i < ra.chunk_count(); ++i) {
        const auto r = ra.sealed_range(i);
        std::size_t n = 0;
        if (ra.open_chunk(i, in.subspan(static_cast<std::size_t>(r.offset), static_cast<std::size_t>(r.size)), plain, n) !=
            env::error::ok)
            return false;
        out.append(reinterpret_cast<const char*>(plain.data()), n);
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const carapace::byte_view rest(data + 1, size - 1);
    if (mode % 2 == 0) {
        const outcome a = decrypt(rest, 1 + mode / 2), b = decrypt(rest, 100000);
        require(a.error == b.error && a.released == b.released);
        std::string all;
        if (a.error == env::error::ok) {
            require(random_access_all(rest, all) && all == a.released);
        }
        return 0;
    }
    // Plaintext: repeated to cross chunk boundaries when the mode asks.
    std::vector<std::uint8_t> plain(rest.begin(), rest.end());
    const std::size_t copies = mode / 2 % 4;
    for (std::size_t c = 0; c < copies && !rest.empty(); ++c)
        while (plain.size() < (c + 1) * env::chunk_size) plain.insert(plain.end(), rest.begin(), rest.end());
    auto enc = std::make_unique<env::stream_encryptor>(key);
    std::vector<std::uint8_t> sealed(env::sealed_chunk_size), file;
    std::size_t used = 0;
    while (used < plain.size()) {
        const auto s = enc->update(carapace::byte_view(plain).subspan(used), sealed);
        file.insert(file.end(), sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(s.produced));
        used += s.consumed;
    }
    const auto s = enc->finish(sealed);
    file.insert(file.end(), sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(s.produced));
    const outcome o = decrypt(file, 1 + mode);
    require(o.error == env::error::ok && o.released == std::string(plain.begin(), plain.end()));
    std::string all;
    require(random_access_all(file, all) && all == o.released);
    return 0;
}
