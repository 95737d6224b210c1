// carapace-tool x25519 | ed25519-pub | ed25519-sign | ed25519-verify
//   x25519 --scalar HEX [--point HEX]    -> hex of X25519(scalar, point or base point); an
//                                          all-zero result: message on stderr, exit 1
//   ed25519-pub --seed HEX               -> hex public key
//   ed25519-sign --seed HEX              stdin message -> hex signature
//   ed25519-verify --pub HEX --sig HEX   stdin message -> "ok" (exit 0) | "bad signature" (exit 1)
// Keys, points and signatures must have their exact sizes (32 bytes; 64 for a signature).
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/ec/ed25519.hpp"
#include "carapace/ec/x25519.hpp"

namespace carapace_tool {

namespace {

// The value of --NAME as exactly `size` bytes of hex, or an error message.
template <std::size_t Size>
std::optional<std::array<std::uint8_t, Size>> fixed_hex(const arguments& args, const char* name, std::string& error) {
    const auto text = args.value(name);
    if (!text) {
        error = std::string("missing --") + name + " HEX";
        return std::nullopt;
    }
    auto bytes = parse_hex(*text);
    if (!bytes) {
        error = std::string("--") + name + " is not valid hex";
        return std::nullopt;
    }
    if (bytes->size() != Size) {
        error = std::string("--") + name + " must be " + std::to_string(Size) + " bytes, not " + std::to_string(bytes->size());
        carapace::secure_wipe(bytes->data(), bytes->size());
        return std::nullopt;
    }
    std::array<std::uint8_t, Size> out{};
    for (std::size_t i = 0; i < Size; ++i) out[i] = (*bytes)[i];
    carapace::secure_wipe(bytes->data(), bytes->size());
    return out;
}

}  // namespace

int cmd_x25519(std::span<char* const> argv) {
    const arguments args(argv, {{"scalar", true}, {"point", true}});
    std::string error;
    if (!no_positionals(args, error)) return usage_error("x25519: " + error);
    auto scalar = fixed_hex<32>(args, "scalar", error);
    if (!scalar) return usage_error("x25519: " + error);
    std::array<std::uint8_t, 32> out{};
    carapace::errc result = carapace::errc::ok;
    if (args.value("point")) {
        const auto point = fixed_hex<32>(args, "point", error);
        if (!point) {
            carapace::secure_wipe(*scalar);
            return usage_error("x25519: " + error);
        }
        result = carapace::x25519(out, *scalar, *point);
    } else {
        carapace::x25519_public_key(out, *scalar);
    }
    carapace::secure_wipe(*scalar);
    if (result != carapace::errc::ok) return failure("x25519: the result is all zero (the point has small order)");
    const bool written = print_hex_line(out);
    carapace::secure_wipe(out);
    return written ? exit_ok : failure("x25519: error writing standard output");
}

int cmd_ed25519_pub(std::span<char* const> argv) {
    const arguments args(argv, {{"seed", true}});
    std::string error;
    if (!no_positionals(args, error)) return usage_error("ed25519-pub: " + error);
    auto seed = fixed_hex<32>(args, "seed", error);
    if (!seed) return usage_error("ed25519-pub: " + error);
    const auto public_key = carapace::ed25519_public_key(*seed);
    carapace::secure_wipe(*seed);
    return print_hex_line(public_key) ? exit_ok : failure("ed25519-pub: error writing standard output");
}

int cmd_ed25519_sign(std::span<char* const> argv) {
    const arguments args(argv, {{"seed", true}});
    std::string error;
    if (!no_positionals(args, error)) return usage_error("ed25519-sign: " + error);
    auto seed = fixed_hex<32>(args, "seed", error);
    if (!seed) return usage_error("ed25519-sign: " + error);
    std::vector<std::uint8_t> message;
    if (!read_all_stdin(message)) {
        carapace::secure_wipe(*seed);
        return failure("ed25519-sign: error reading standard input");
    }
    const carapace::ed25519_private_key key(*seed);
    carapace::secure_wipe(*seed);
    return print_hex_line(key.sign(message)) ? exit_ok : failure("ed25519-sign: error writing standard output");
}

int cmd_ed25519_verify(std::span<char* const> argv) {
    const arguments args(argv, {{"pub", true}, {"sig", true}});
    std::string error;
    if (!no_positionals(args, error)) return usage_error("ed25519-verify: " + error);
    const auto public_key = fixed_hex<32>(args, "pub", error);
    if (!public_key) return usage_error("ed25519-verify: " + error);
    const auto signature = fixed_hex<64>(args, "sig", error);
    if (!signature) return usage_error("ed25519-verify: " + error);
    std::vector<std::uint8_t> message;
    if (!read_all_stdin(message)) return failure("ed25519-verify: error reading standard input");
    const bool good = carapace::ed25519_verify(*public_key, message, *signature);
    const bool written = std::fputs(good ? "ok\n" : "bad signature\n", stdout) >= 0 && std::fflush(stdout) == 0;
    if (!written) return failure("ed25519-verify: error writing standard output");
    return good ? exit_ok : exit_failure;
}

}  // namespace carapace_tool
