// carapace-tool shake128 | shake256 | mlkem-keygen | mlkem-encaps | mlkem-decaps
//   shake128 --length N                         stdin -> hex of N bytes of SHAKE128 output
//   mlkem-keygen PARAMS [--seed HEX]            -> "seed HEX", "ek HEX", "dk HEX" lines
//   mlkem-encaps PARAMS --ek HEX [--m HEX]      -> "ct HEX", "ss HEX" lines
//   mlkem-decaps PARAMS (--dk HEX | --seed HEX) --ct HEX -> hex shared secret
// PARAMS is ml-kem-512, ml-kem-768 or ml-kem-1024. The seed is FIPS 203's d || z (64 bytes), the
// seed form of a decapsulation key; without --seed or --m, fresh random bytes are drawn.
// Inputs must have their exact FIPS 203 sizes. An encapsulation key that fails the modulus
// check, or a decapsulation key that fails the hash check: message on stderr, exit 1.
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "host/random.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/kem/mlkem.hpp"

namespace carapace_tool {

namespace {

// The most output shake128/shake256 write: 1 MiB.
constexpr std::uint64_t max_shake_length = std::uint64_t{1} << 20;

template <class Xof>
int shake_command(std::span<char* const> argv, const char* name) {
    const arguments args(argv, {{"length", true}});
    std::string error;
    if (!no_positionals(args, error)) return usage_error(std::string(name) + ": " + error);
    std::string length_text;
    if (!required_value(args, "length", "N", length_text, error)) return usage_error(std::string(name) + ": " + error);
    const auto length = parse_decimal(length_text, max_shake_length);
    if (!length)
        return usage_error(std::string(name) + ": --length must be a whole number from 0 to " +
                           std::to_string(max_shake_length));
    Xof x;
    if (!for_each_stdin_chunk([&](std::span<const std::uint8_t> chunk) { x.update(chunk); }))
        return failure(std::string(name) + ": error reading standard input");
    std::vector<std::uint8_t> out(static_cast<std::size_t>(*length));
    x.finish().squeeze(out);
    return print_hex_line(out) ? exit_ok : failure(std::string(name) + ": error writing standard output");
}

template <class T>
struct kem_tag {
    using type = T;
};

// Calls f(kem_tag<Kem>{}) for the named parameter set; false for any other name.
template <class F>
bool with_kem(std::string_view name, F&& f) {
    if (name == "ml-kem-512") return f(kem_tag<carapace::mlkem512>{}), true;
    if (name == "ml-kem-768") return f(kem_tag<carapace::mlkem768>{}), true;
    if (name == "ml-kem-1024") return f(kem_tag<carapace::mlkem1024>{}), true;
    return false;
}

// The one positional argument, the parameter set's name.
std::optional<std::string> parameter_set(const arguments& args, std::string& error) {
    if (!args.ok()) {
        error = args.error();
        return std::nullopt;
    }
    if (args.positionals().size() != 1) {
        error = args.positionals().empty() ? "missing parameter set (ml-kem-512, ml-kem-768 or ml-kem-1024)"
                                           : "unexpected argument '" + terminal_text(args.positionals()[1]) + "'";
        return std::nullopt;
    }
    return args.positionals()[0];
}

// --NAME as exactly Size bytes of hex; nullopt with `error` set otherwise. `absent_ok`: a missing
// option is not an error (the caller draws random bytes instead), reported as `present` false.
template <std::size_t Size>
std::optional<std::array<std::uint8_t, Size>> hex_option(const arguments& args, const char* name, std::string& error,
                                                         bool& present) {
    const auto text = args.value(name);
    present = text.has_value();
    std::array<std::uint8_t, Size> out{};
    if (!present) return out;
    auto bytes = parse_hex(*text);
    if (!bytes) {
        error = std::string("--") + name + " is not valid hex";
        return std::nullopt;
    }
    if (bytes->size() != Size) {
        error = std::string("--") + name + " must be " + std::to_string(Size) + " bytes, not " +
                std::to_string(bytes->size());
        carapace::secure_wipe(bytes->data(), bytes->size());
        return std::nullopt;
    }
    for (std::size_t i = 0; i < Size; ++i) out[i] = (*bytes)[i];
    carapace::secure_wipe(bytes->data(), bytes->size());
    return out;
}

bool print_named_hex(const char* label, std::span<const std::uint8_t> bytes) {
    return std::fputs(label, stdout) >= 0 && std::fputc(' ', stdout) != EOF && print_hex_line(bytes);
}

}  // namespace

int cmd_shake128(std::span<char* const> argv) { return shake_command<carapace::shake128>(argv, "shake128"); }
int cmd_shake256(std::span<char* const> argv) { return shake_command<carapace::shake256>(argv, "shake256"); }

int cmd_mlkem_keygen(std::span<char* const> argv) {
    const arguments args(argv, {{"seed", true}});
    std::string error;
    const auto params = parameter_set(args, error);
    if (!params) return usage_error("mlkem-keygen: " + error);
    int status = exit_ok;
    const bool known = with_kem(*params, [&](auto tag) {
        using Kem = typename decltype(tag)::type;
        bool given = false;
        auto seed = hex_option<Kem::seed_size>(args, "seed", error, given);
        if (!seed) {
            status = usage_error("mlkem-keygen: " + error);
            return;
        }
        if (!given) host::getrandom_source().fill(*seed);
        typename Kem::encapsulation_key ek{};
        typename Kem::decapsulation_key dk{};
        if (Kem::keygen(*seed, ek, dk) != carapace::errc::ok) {
            status = failure("mlkem-keygen: key generation failed");
        } else if (!print_named_hex("seed", *seed) || !print_named_hex("ek", ek) || !print_named_hex("dk", dk)) {
            status = failure("mlkem-keygen: error writing standard output");
        }
        carapace::secure_wipe(*seed);
        carapace::secure_wipe(dk);
    });
    if (!known) return usage_error("mlkem-keygen: unknown parameter set '" + terminal_text(*params) + "'");
    return status;
}

int cmd_mlkem_encaps(std::span<char* const> argv) {
    const arguments args(argv, {{"ek", true}, {"m", true}});
    std::string error;
    const auto params = parameter_set(args, error);
    if (!params) return usage_error("mlkem-encaps: " + error);
    int status = exit_ok;
    const bool known = with_kem(*params, [&](auto tag) {
        using Kem = typename decltype(tag)::type;
        bool given = false;
        const auto ek = hex_option<Kem::encapsulation_key_size>(args, "ek", error, given);
        if (ek && !given) error = "missing --ek HEX";
        if (!ek || !given) {
            status = usage_error("mlkem-encaps: " + error);
            return;
        }
        auto m = hex_option<32>(args, "m", error, given);
        if (!m) {
            status = usage_error("mlkem-encaps: " + error);
            return;
        }
        if (!given) host::getrandom_source().fill(*m);
        typename Kem::ciphertext ct{};
        typename Kem::shared_secret ss{};
        if (Kem::encapsulate(*ek, *m, ct, ss) != carapace::errc::ok)
            status = failure("mlkem-encaps: invalid encapsulation key (modulus check: a coefficient is not below q)");
        else if (!print_named_hex("ct", ct) || !print_named_hex("ss", ss))
            status = failure("mlkem-encaps: error writing standard output");
        carapace::secure_wipe(*m);
        carapace::secure_wipe(ss);
    });
    if (!known) return usage_error("mlkem-encaps: unknown parameter set '" + terminal_text(*params) + "'");
    return status;
}

int cmd_mlkem_decaps(std::span<char* const> argv) {
    const arguments args(argv, {{"dk", true}, {"seed", true}, {"ct", true}});
    std::string error;
    const auto params = parameter_set(args, error);
    if (!params) return usage_error("mlkem-decaps: " + error);
    if (args.value("dk").has_value() == args.value("seed").has_value())
        return usage_error("mlkem-decaps: give exactly one of --dk HEX and --seed HEX");
    int status = exit_ok;
    const bool known = with_kem(*params, [&](auto tag) {
        using Kem = typename decltype(tag)::type;
        bool given = false;
        const auto ct = hex_option<Kem::ciphertext_size>(args, "ct", error, given);
        if (ct && !given) error = "missing --ct HEX";
        if (!ct || !given) {
            status = usage_error("mlkem-decaps: " + error);
            return;
        }
        typename Kem::shared_secret ss{};
        carapace::errc result = carapace::errc::ok;
        if (args.value("seed")) {
            auto seed = hex_option<Kem::seed_size>(args, "seed", error, given);
            if (!seed) {
                status = usage_error("mlkem-decaps: " + error);
                return;
            }
            result = Kem::decapsulate_seed(*seed, *ct, ss);
            carapace::secure_wipe(*seed);
        } else {
            auto dk = hex_option<Kem::decapsulation_key_size>(args, "dk", error, given);
            if (!dk) {
                status = usage_error("mlkem-decaps: " + error);
                return;
            }
            result = Kem::decapsulate(*dk, *ct, ss);
            carapace::secure_wipe(*dk);
        }
        if (result != carapace::errc::ok)
            status = failure("mlkem-decaps: invalid decapsulation key (its hash check failed)");
        else if (!print_hex_line(ss))
            status = failure("mlkem-decaps: error writing standard output");
        carapace::secure_wipe(ss);
    });
    if (!known) return usage_error("mlkem-decaps: unknown parameter set '" + terminal_text(*params) + "'");
    return status;
}

}  // namespace carapace_tool
