// carapace-tool aead-seal | aead-open
//   aead-seal ALG --key HEX --nonce HEX [--aad HEX]   stdin plaintext -> hex(ciphertext || tag)
//   aead-open ALG --key HEX --nonce HEX [--aad HEX]   stdin hex(ciphertext || tag) -> plaintext
// The whole message is read first: open must check the tag before it releases any plaintext.
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace_tool {

namespace {

struct aead_request {
    std::string algorithm;
    std::vector<std::uint8_t> key, nonce, aad;
};

// Calls f(aead) with the context for the named algorithm keyed with `key`. Returns an error
// message for an unknown algorithm, a key of the wrong length or a nonce of a length the algorithm
// does not take, empty on success.
template <class F>
std::string with_aead(const aead_request& r, F&& f) {
    auto keyed = [&]<class Aead>(bool fixed_nonce = false) -> std::string {
        if (r.key.size() != Aead::key_size)
            return "--key must be " + std::to_string(Aead::key_size) + " bytes for " + r.algorithm;
        if (fixed_nonce && r.nonce.size() != Aead::nonce_size)
            return "--nonce must be " + std::to_string(Aead::nonce_size) + " bytes for " + r.algorithm;
        const Aead aead(carapace::fixed_view<Aead::key_size>(r.key.data(), Aead::key_size));
        f(aead);
        return {};
    };
    if (r.algorithm == "aes-128-gcm") return keyed.template operator()<carapace::aes128_gcm>();
    if (r.algorithm == "aes-256-gcm") return keyed.template operator()<carapace::aes256_gcm>();
    // ChaCha20-Poly1305 takes 12-byte nonces only, XChaCha20-Poly1305 24-byte ones.
    if (r.algorithm == "chacha20-poly1305") return keyed.template operator()<carapace::chacha20_poly1305>(true);
    if (r.algorithm == "xchacha20-poly1305") return keyed.template operator()<carapace::xchacha20_poly1305>(true);
    return "unknown algorithm '" + r.algorithm + "'";
}

// Parses the shared arguments; on failure returns false with `error` set.
bool parse_request(std::span<char* const> argv, aead_request& r, std::string& error) {
    const arguments args(argv, {{"key", true}, {"nonce", true}, {"aad", true}});
    if (!args.ok()) return error = args.error(), false;
    if (args.positionals().empty()) return error = "missing algorithm", false;
    if (args.positionals().size() > 1) return error = "unexpected argument '" + args.positionals()[1] + "'", false;
    r.algorithm = args.positionals()[0];
    const auto key = args.value("key");
    const auto nonce = args.value("nonce");
    if (!key) return error = "missing --key HEX", false;
    if (!nonce) return error = "missing --nonce HEX", false;
    auto parsed_key = parse_hex(*key);
    auto parsed_nonce = parse_hex(*nonce);
    auto parsed_aad = parse_hex(args.value("aad").value_or(""));
    if (!parsed_key) return error = "--key is not valid hex", false;
    if (!parsed_nonce) return error = "--nonce is not valid hex", false;
    if (!parsed_aad) return error = "--aad is not valid hex", false;
    if (parsed_nonce->empty()) return error = "--nonce must not be empty", false;
    r.key = std::move(*parsed_key);
    r.nonce = std::move(*parsed_nonce);
    r.aad = std::move(*parsed_aad);
    return true;
}

}  // namespace

int cmd_aead_seal(std::span<char* const> argv) {
    aead_request r;
    std::string error;
    if (!parse_request(argv, r, error)) return usage_error("aead-seal: " + error);
    std::vector<std::uint8_t> message;
    if (!read_all_stdin(message)) return failure("aead-seal: error reading standard input");
    std::vector<std::uint8_t> sealed(message.size() + 16);
    carapace::errc result = carapace::errc::ok;
    error = with_aead(r, [&](const auto& aead) { result = aead.seal(r.nonce, r.aad, message, sealed); });
    carapace::secure_wipe(r.key.data(), r.key.size());
    carapace::secure_wipe(message.data(), message.size());
    if (!error.empty()) return usage_error("aead-seal: " + error);
    if (result != carapace::errc::ok) return usage_error("aead-seal: " + std::string(carapace::to_string(result)));
    return print_hex_line(sealed) ? exit_ok : failure("aead-seal: error writing standard output");
}

int cmd_aead_open(std::span<char* const> argv) {
    aead_request r;
    std::string error;
    if (!parse_request(argv, r, error)) return usage_error("aead-open: " + error);
    std::vector<std::uint8_t> text;
    if (!read_all_stdin(text)) return failure("aead-open: error reading standard input");
    std::string hex;
    for (const std::uint8_t c : text)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') hex.push_back(static_cast<char>(c));
    auto sealed = parse_hex(hex);
    if (!sealed) return usage_error("aead-open: standard input is not valid hex");
    // Too short to hold a tag: it cannot authenticate.
    std::vector<std::uint8_t> plaintext(sealed->size() >= 16 ? sealed->size() - 16 : 0);
    carapace::errc result = carapace::errc::authentication_failed;
    error = with_aead(r, [&](const auto& aead) {
        if (sealed->size() >= 16) result = aead.open(r.nonce, r.aad, *sealed, plaintext);
    });
    carapace::secure_wipe(r.key.data(), r.key.size());
    if (!error.empty()) return usage_error("aead-open: " + error);
    if (result == carapace::errc::authentication_failed) {
        std::fputs("authentication failed\n", stderr);  // exactly this line: the contract says so
        return exit_failure;
    }
    if (result != carapace::errc::ok) return usage_error("aead-open: " + std::string(carapace::to_string(result)));
    const bool written = (plaintext.empty() || std::fwrite(plaintext.data(), 1, plaintext.size(), stdout) == plaintext.size()) &&
                         std::fflush(stdout) == 0;
    carapace::secure_wipe(plaintext.data(), plaintext.size());
    return written ? exit_ok : failure("aead-open: error writing standard output");
}

}  // namespace carapace_tool
