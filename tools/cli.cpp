#include "cli.hpp"

#include "carapace/core/hex.hpp"

namespace carapace_tool {

namespace {

// Messages quote arguments; control characters among them are shown as \xNN, so that a message
// stays one line and cannot drive the terminal (fuzz/corpus/cli/regression-newline-in-argument).
void print_message(std::string_view message) {
    std::string line = "carapace-tool: ";
    for (const char c : message) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            line += escaped;
        } else {
            line += c;
        }
    }
    line += '\n';
    std::fputs(line.c_str(), stderr);
}

}  // namespace

int usage_error(std::string_view message) {
    print_message(message);
    return exit_usage;
}

int failure(std::string_view message) {
    print_message(message);
    return exit_failure;
}

arguments::arguments(std::span<char* const> args, std::initializer_list<spec> allowed) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg.size() < 3 || arg.substr(0, 2) != "--") {
            positionals_.emplace_back(arg);
            continue;
        }
        std::string_view name = arg.substr(2);
        std::optional<std::string_view> inline_value;
        if (const auto eq = name.find('='); eq != std::string_view::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const spec* known = nullptr;
        for (const auto& s : allowed)
            if (s.name == name) known = &s;
        if (known == nullptr) {
            error_ = "unknown option --" + std::string(name);
            return;
        }
        if (value(name)) {
            error_ = "option --" + std::string(name) + " given twice";
            return;
        }
        if (!known->takes_value) {
            if (inline_value) {
                error_ = "option --" + std::string(name) + " takes no value";
                return;
            }
            options_.emplace_back(name, "");
            continue;
        }
        if (inline_value) {
            options_.emplace_back(name, *inline_value);
        } else if (i + 1 < args.size()) {
            options_.emplace_back(name, args[++i]);
        } else {
            error_ = "option --" + std::string(name) + " needs a value";
            return;
        }
    }
}

std::optional<std::string> arguments::value(std::string_view name) const {
    for (const auto& [n, v] : options_)
        if (n == name) return v;
    return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text) {
    std::vector<std::uint8_t> out(carapace::hex::decoded_size(text));
    if (carapace::hex::decode(text, out) != carapace::errc::ok) return std::nullopt;
    return out;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

bool print_hex_line(std::span<const std::uint8_t> bytes) {
    std::string line(2 * bytes.size(), '\0');
    (void)carapace::hex::encode(bytes, line);
    line.push_back('\n');
    return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() && std::fflush(stdout) == 0;
}

}  // namespace carapace_tool
