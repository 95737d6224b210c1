#include "cli.hpp"

#include "carapace/core/hex.hpp"

namespace carapace_tool {

namespace {

// Messages quote arguments: escaped, so that a message stays one line and cannot drive the
// terminal (fuzz/corpus/cli/regression-newline-in-argument).
void print_message(std::string_view message) {
    const std::string line = "carapace-tool: " + terminal_text(message) + "\n";
    std::fputs(line.c_str(), stderr);
}

// The length of the UTF-8 sequence at the start of `s` when it is well formed (shortest form, no
// surrogates, at most U+10FFFF) and not a C1 control character; else 0.
std::size_t printable_utf8_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned lead = byte(0);
    std::size_t length = 0;
    std::uint32_t c = 0;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2, c = lead & 0x1fu;
    else if (lead >= 0xe0 && lead <= 0xef) length = 3, c = lead & 0x0fu;
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4, c = lead & 0x07u;
    else return 0;
    if (s.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0u) != 0x80u) return 0;
        c = c << 6 | (byte(i) & 0x3fu);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < smallest[length] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x80 && c <= 0x9f)) return 0;
    return length;
}

}  // namespace

std::string terminal_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto c = static_cast<unsigned char>(text[0]);
        std::size_t n = 0;
        if (c >= 0x20 && c < 0x7f) n = 1;
        else if (c >= 0x80) n = printable_utf8_length(text);
        if (n != 0) {
            out.append(text.substr(0, n));
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
            out += escaped;
            n = 1;
        }
        text.remove_prefix(n);
    }
    return out;
}

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
        if (!known->repeatable && value(name)) {
            error_ = "option --" + std::string(name) + " given twice";
            return;
        }
        if (!known->takes_value) {
            auto is_word = [&](std::string_view w) {
                for (const auto word : known->words)
                    if (word == w) return true;
                return false;
            };
            if (inline_value && !is_word(*inline_value)) {
                if (known->words.empty()) {
                    error_ = "option --" + std::string(name) + " takes no value";
                } else {
                    error_ = "option --" + std::string(name) + " takes no value or one of:";
                    for (const auto word : known->words) {
                        error_ += ' ';
                        error_.append(word);
                    }
                }
                return;
            }
            if (inline_value) {
                options_.emplace_back(name, *inline_value);
            } else if (i + 1 < args.size() && is_word(args[i + 1])) {
                options_.emplace_back(name, args[++i]);
            } else {
                options_.emplace_back(name, "");
            }
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

std::vector<std::string> arguments::values(std::string_view name) const {
    std::vector<std::string> found;
    for (const auto& [n, v] : options_)
        if (n == name) found.push_back(v);
    return found;
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

bool no_positionals(const arguments& args, std::string& error) {
    if (!args.ok()) return error = args.error(), false;
    if (!args.positionals().empty()) return error = "unexpected argument '" + args.positionals()[0] + "'", false;
    return true;
}

bool required_value(const arguments& args, std::string_view name, std::string_view what, std::string& value,
                    std::string& error) {
    const auto text = args.value(name);
    if (!text) return error = "missing --" + std::string(name) + " " + std::string(what), false;
    value = *text;
    return true;
}

bool print_hex_line(std::span<const std::uint8_t> bytes) {
    std::string line(2 * bytes.size(), '\0');
    (void)carapace::hex::encode(bytes, line);
    line.push_back('\n');
    return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() && std::fflush(stdout) == 0;
}

}  // namespace carapace_tool
