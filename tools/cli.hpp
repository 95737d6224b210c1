// Command-line plumbing shared by carapace-tool's commands: option parsing, hex arguments,
// reading stdin in constant memory, and the error conventions (usage errors exit 2 with one line
// on stderr and nothing on stdout).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace carapace_tool {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // the operation ran and failed (bad tag, bad signature)
inline constexpr int exit_usage = 2;    // bad arguments: nothing was done

// Prints "carapace-tool: MESSAGE" on stderr and returns exit_usage.
int usage_error(std::string_view message);
// Prints "carapace-tool: MESSAGE" on stderr and returns exit_failure.
int failure(std::string_view message);

// Options of the form --name VALUE or --name=VALUE, plus flags (--name) and positionals.
class arguments {
public:
    struct spec {
        std::string_view name;  // without the leading "--"
        bool takes_value;
        // For a flag (takes_value false): words it may also take, as --name WORD or --name=WORD.
        // value() is "" for the bare flag.
        std::span<const std::string_view> words = {};
        bool repeatable = false;  // may be given more than once; values() returns them all
    };

    // Parses args against the allowed options. On failure, error() says why.
    arguments(std::span<char* const> args, std::initializer_list<spec> allowed);

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    const std::vector<std::string>& positionals() const { return positionals_; }
    std::optional<std::string> value(std::string_view name) const;
    // Every value of a repeatable option, in the order given.
    std::vector<std::string> values(std::string_view name) const;
    bool flag(std::string_view name) const { return value(name).has_value(); }

private:
    std::vector<std::pair<std::string, std::string>> options_;
    std::vector<std::string> positionals_;
    std::string error_;
};

// `text` made safe to print on a terminal: one line, no control sequences. Control bytes (C0,
// DEL), C1 control characters (U+0080 to U+009F, which some terminals obey as escape sequences)
// and bytes that are not UTF-8 become \xHH; printable ASCII and other UTF-8 stay as they are. For
// anything a peer or a file chose: names, SNI, subjects, SANs, arguments quoted back.
std::string terminal_text(std::string_view text);

// Decodes a hex argument (either case, no separators). nullopt on malformed text.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text);

// Parses a non-negative decimal integer with no sign, spaces or trailing text, up to `max`.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// Calls sink(bytes) for each chunk of stdin, in constant memory. False on a read error.
template <class Sink>
bool for_each_stdin_chunk(Sink&& sink) {
    static std::uint8_t buffer[1 << 16];
    for (;;) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
        if (n > 0) sink(std::span<const std::uint8_t>(buffer, n));
        if (n < sizeof buffer) return std::ferror(stdin) == 0;
    }
}

// All of stdin appended to `out`. False on a read error.
inline bool read_all_stdin(std::vector<std::uint8_t>& out) {
    return for_each_stdin_chunk([&](std::span<const std::uint8_t> chunk) { out.insert(out.end(), chunk.begin(), chunk.end()); });
}

// Whether the options parsed and no positional argument was given; false with `error` set if not.
bool no_positionals(const arguments& args, std::string& error);

// The value of the required option --NAME in `value`; false with `error` ("missing --NAME WHAT")
// when it was not given.
bool required_value(const arguments& args, std::string_view name, std::string_view what, std::string& value,
                    std::string& error);

// Writes hex of `bytes` and a newline to stdout. False if stdout could not be written.
bool print_hex_line(std::span<const std::uint8_t> bytes);

}  // namespace carapace_tool
