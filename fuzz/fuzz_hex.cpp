// Hex decoding of arbitrary text: it succeeds exactly for even-length text of hex digits, and then
// encoding gives the text back in lowercase. On failure the output is cleared.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/core/hex.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::uint8_t> out(carapace::hex::decoded_size(text), 0xaa);
    const auto e = carapace::hex::decode(text, out);

    bool all_hex = size % 2 == 0;
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) all_hex = false;
    }
    if ((e == carapace::errc::ok) != all_hex) std::abort();
    if (e == carapace::errc::ok) {
        std::string back(2 * out.size(), '\0');
        if (carapace::hex::encode(out, back) != carapace::errc::ok || back != lower) std::abort();
    } else if (size % 2 == 0) {
        for (auto b : out)
            if (b != 0) std::abort();
    }
    return 0;
}
