// carapace-tool hash | hmac | hkdf
#include <string>

#include "algorithms.hpp"
#include "cli.hpp"
#include "commands.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"

namespace carapace_tool {

namespace {

// The single positional argument naming the algorithm, or an error message.
std::optional<std::string> algorithm_argument(const arguments& args, std::string& error) {
    if (!args.ok()) {
        error = args.error();
        return std::nullopt;
    }
    if (args.positionals().empty()) {
        error = "missing algorithm";
        return std::nullopt;
    }
    if (args.positionals().size() > 1) {
        error = "unexpected argument '" + args.positionals()[1] + "'";
        return std::nullopt;
    }
    return args.positionals()[0];
}

}  // namespace

int cmd_hash(std::span<char* const> argv) {
    const arguments args(argv, {});
    std::string error;
    const auto algorithm = algorithm_argument(args, error);
    if (!algorithm) return usage_error("hash: " + error);
    int status = exit_ok;
    const bool known = with_digest(*algorithm, [&](auto tag) {
        typename decltype(tag)::type h;
        if (!for_each_stdin_chunk([&](std::span<const std::uint8_t> chunk) { h.update(chunk); })) {
            status = failure("hash: error reading standard input");
            return;
        }
        if (!print_hex_line(h.final())) status = failure("hash: error writing standard output");
    });
    if (!known) return usage_error("hash: unknown algorithm '" + *algorithm + "'");
    return status;
}

int cmd_hmac(std::span<char* const> argv) {
    const arguments args(argv, {{"key", true}});
    std::string error;
    const auto algorithm = algorithm_argument(args, error);
    if (!algorithm) return usage_error("hmac: " + error);
    const auto key_hex = args.value("key");
    if (!key_hex) return usage_error("hmac: missing --key HEX");
    auto key = parse_hex(*key_hex);
    if (!key) return usage_error("hmac: --key is not valid hex");
    int status = exit_ok;
    bool known = with_mac_digest(*algorithm, [&](auto tag) {
        carapace::hmac<typename decltype(tag)::type> mac(*key);
        if (!for_each_stdin_chunk([&](std::span<const std::uint8_t> chunk) { mac.update(chunk); })) {
            status = failure("hmac: error reading standard input");
            return;
        }
        if (!print_hex_line(mac.final())) status = failure("hmac: error writing standard output");
    });
    carapace::secure_wipe(key->data(), key->size());
    if (!known) return usage_error("hmac: unknown algorithm '" + *algorithm + "'");
    return status;
}

int cmd_hkdf(std::span<char* const> argv) {
    const arguments args(argv, {{"ikm", true}, {"salt", true}, {"info", true}, {"length", true}});
    std::string error;
    const auto algorithm = algorithm_argument(args, error);
    if (!algorithm) return usage_error("hkdf: " + error);
    std::size_t max_length = 0;
    if (!with_mac_digest(*algorithm, [&](auto tag) {
            max_length = carapace::hkdf_max_output<typename decltype(tag)::type>;
        }))
        return usage_error("hkdf: unknown algorithm '" + *algorithm + "'");

    const auto ikm_hex = args.value("ikm");
    if (!ikm_hex) return usage_error("hkdf: missing --ikm HEX");
    const auto length_text = args.value("length");
    if (!length_text) return usage_error("hkdf: missing --length N");
    auto ikm = parse_hex(*ikm_hex);
    if (!ikm) return usage_error("hkdf: --ikm is not valid hex");
    const auto salt = parse_hex(args.value("salt").value_or(""));
    if (!salt) return usage_error("hkdf: --salt is not valid hex");
    const auto info = parse_hex(args.value("info").value_or(""));
    if (!info) return usage_error("hkdf: --info is not valid hex");
    const auto length = parse_decimal(*length_text, max_length);
    if (!length)
        return usage_error("hkdf: --length must be a whole number from 0 to " + std::to_string(max_length) +
                           " (255 * hash length)");

    std::vector<std::uint8_t> okm(static_cast<std::size_t>(*length));
    carapace::errc result = carapace::errc::ok;
    with_mac_digest(*algorithm, [&](auto tag) {
        result = carapace::hkdf<typename decltype(tag)::type>(*salt, *ikm, *info, okm);
    });
    carapace::secure_wipe(ikm->data(), ikm->size());
    if (result != carapace::errc::ok) return usage_error(std::string("hkdf: ") + std::string(carapace::to_string(result)));
    const bool written = print_hex_line(okm);
    carapace::secure_wipe(okm.data(), okm.size());
    return written ? exit_ok : failure("hkdf: error writing standard output");
}

}  // namespace carapace_tool
