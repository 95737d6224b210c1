// carapace-tool's argument handling in process: arbitrary argument vectors through the real
// dispatch and commands (hash, hmac, hkdf, aead-seal/open, x25519, ed25519-*, verify-sig, ecdh,
// x509, verify, --help, --version), with arbitrary standard input and PEM files. Nothing may crash, and the
// exit status must follow the contract: bad arguments are exit 2 with one "carapace-tool: ..."
// line on stderr and nothing on stdout. Each input runs twice, with the same results: no state
// may leak from one run of a command into the next. Whether arguments are bad is decided here by a model of
// the documented syntax (tools/dispatch.cpp's help text), written apart from tools/cli.cpp.
// The network commands and speed are left out (sockets; runs of seconds), and so are genkey and
// sign, whose output is random by design (the two runs could not agree): stubs stand in. So do
// the age commands (random output, files written in place); fuzz_age_* cover their parsers. So do
// shake128/256 and the ML-KEM commands (tools/cmd_pq.cpp, not linked here; the ML-KEM ones draw
// random bytes unless told the seed), which the tool contract tests drive.
//
// Input: ARGS [ FF FF STDIN [ FF FF FILE1 [ FF FF FILE2 [ FF FF FILE3 ]]]]
//   ARGS: the arguments after the program name, separated by NUL bytes.
//   File arguments of x509, verify, verify-sig and ecdh name files in a private folder holding FILE1..FILE3 as
//   "1", "2" and "3"; an input with '/' in any argument is skipped, so nothing else is read.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../tools/commands.hpp"

namespace carapace_tool {

// The commands this target leaves out.
constexpr int not_run = 99;
int cmd_s_client(std::span<char* const>) { return not_run; }
int cmd_s_server(std::span<char* const>) { return not_run; }
int cmd_speed(std::span<char* const>) { return not_run; }
int cmd_genkey(std::span<char* const>) { return not_run; }
int cmd_sign(std::span<char* const>) { return not_run; }
int cmd_age_keygen(std::span<char* const>) { return not_run; }
int cmd_age_encrypt(std::span<char* const>) { return not_run; }
int cmd_age_decrypt(std::span<char* const>) { return not_run; }
int cmd_age_rewrap(std::span<char* const>) { return not_run; }
int cmd_shake128(std::span<char* const>) { return not_run; }
int cmd_shake256(std::span<char* const>) { return not_run; }
int cmd_mlkem_keygen(std::span<char* const>) { return not_run; }
int cmd_mlkem_encaps(std::span<char* const>) { return not_run; }
int cmd_mlkem_decaps(std::span<char* const>) { return not_run; }

}  // namespace carapace_tool

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

enum class kind { flag, hex, hex32, hex64, decimal, text, nonempty_text, purpose, file, profile, depth };

struct option {
    std::string_view name;
    kind type;
    bool required;
};

struct command {
    std::string_view name;
    std::vector<std::string_view> algorithms;  // empty: no positional (or a file, below)
    bool file_positional;
    std::vector<option> options;
};

const std::vector<command>& commands() {
    static const std::vector<command> all = {
        {"hash", {"sha224", "sha256", "sha384", "sha512", "sha512-256"}, false, {}},
        {"hmac", {"sha256", "sha384", "sha512"}, false, {{"key", kind::hex, true}}},
        {"hkdf",
         {"sha256", "sha384", "sha512"},
         false,
         {{"ikm", kind::hex, true}, {"salt", kind::hex, false}, {"info", kind::hex, false}, {"length", kind::decimal, true}}},
        {"aead-seal",
         {"aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305"},
         false,
         {{"key", kind::hex, true}, {"nonce", kind::hex, true}, {"aad", kind::hex, false}}},
        {"aead-open",
         {"aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305"},
         false,
         {{"key", kind::hex, true}, {"nonce", kind::hex, true}, {"aad", kind::hex, false}}},
        {"x25519", {}, false, {{"scalar", kind::hex32, true}, {"point", kind::hex32, false}}},
        {"ed25519-pub", {}, false, {{"seed", kind::hex32, true}}},
        {"ed25519-sign", {}, false, {{"seed", kind::hex32, true}}},
        {"ed25519-verify", {}, false, {{"pub", kind::hex32, true}, {"sig", kind::hex64, true}}},
        {"verify-sig", {}, false, {{"pub", kind::file, true}, {"sig", kind::hex, true}}},
        {"ecdh", {}, false, {{"key", kind::file, true}, {"peer", kind::hex, true}}},
        {"x509", {}, true, {}},
        {"verify",
         {},
         true,
         {{"CAfile", kind::file, true},
          {"untrusted", kind::file, false},
          {"host", kind::nonempty_text, false},
          {"purpose", kind::purpose, false},
          {"time", kind::decimal, false},
          {"profile", kind::profile, false},
          {"max-depth", kind::depth, false},
          {"email", kind::nonempty_text, false}}},
    };
    return all;
}

// Hex as the contract takes it: an even number of digits of either case.
std::optional<std::size_t> hex_size(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return std::nullopt;
    return text.size() / 2;
}

// A whole number of at most 19 digits, no sign or spaces, up to `max`.
bool decimal_within(std::string_view text, std::uint64_t max) {
    if (text.empty() || text.size() > 19) return false;
    std::uint64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v <= max;
}

struct parsed {
    bool syntax_ok = true;
    std::vector<std::string> positionals;
    std::vector<std::pair<std::string, std::string>> options;
    // Arguments naming files: index into the argument vector, and where in it the name starts.
    std::vector<std::pair<std::size_t, std::size_t>> file_arguments;
    const std::string* value(std::string_view name) const {
        for (const auto& [n, v] : options)
            if (n == name) return &v;
        return nullptr;
    }
};

// The documented option syntax: --name VALUE, --name=VALUE, --flag; anything else (including
// "-x" and "--") is a positional; each option at most once.
parsed parse(const command& c, const std::vector<std::string>& args) {
    parsed p;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
            if (c.file_positional) p.file_arguments.emplace_back(i, 0);
            p.positionals.push_back(a);
            continue;
        }
        const std::size_t eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const option* o = nullptr;
        for (const auto& candidate : c.options)
            if (candidate.name == name) o = &candidate;
        if (o == nullptr || p.value(name) != nullptr) return p.syntax_ok = false, p;
        if (o->type == kind::flag) {
            if (eq != std::string::npos) return p.syntax_ok = false, p;
            p.options.emplace_back(name, "");
        } else if (eq != std::string::npos) {
            if (o->type == kind::file) p.file_arguments.emplace_back(i, eq + 1);
            p.options.emplace_back(name, a.substr(eq + 1));
        } else if (i + 1 < args.size()) {
            if (o->type == kind::file) p.file_arguments.emplace_back(i + 1, 0);
            p.options.emplace_back(name, args[++i]);
        } else {
            return p.syntax_ok = false, p;
        }
    }
    return p;
}

// What the contract says of the exit status.
enum class expect { usage_error, no_usage_error, either };

// Whether the contract makes these arguments (and standard input) a usage error. For the
// commands that read files, file contents can make it one too: "either" there.
expect usage_error_expected(const command& c, const parsed& p, std::string_view input) {
    constexpr expect yes = expect::usage_error;
    if (!p.syntax_ok) return yes;
    const bool takes_positional = !c.algorithms.empty() || c.file_positional;
    if (p.positionals.size() != (takes_positional ? 1u : 0u)) return yes;
    if (!c.algorithms.empty()) {
        bool known = false;
        for (const auto a : c.algorithms) known = known || p.positionals[0] == a;
        if (!known) return yes;
    }
    for (const auto& o : c.options) {
        const std::string* v = p.value(o.name);
        if (v == nullptr) {
            if (o.required) return yes;
            continue;
        }
        const auto size = hex_size(*v);
        switch (o.type) {
            case kind::hex: if (!size) return yes; break;
            case kind::hex32: if (size != 32u) return yes; break;
            case kind::hex64: if (size != 64u) return yes; break;
            case kind::decimal: {
                const std::string& algorithm = p.positionals.empty() ? std::string() : p.positionals[0];
                const std::uint64_t max = c.name == "verify" ? 253402300799u
                                          : algorithm == "sha256"  ? 255u * 32
                                          : algorithm == "sha384" ? 255u * 48
                                                                  : 255u * 64;
                if (!decimal_within(*v, max)) return yes;
                break;
            }
            case kind::nonempty_text: if (v->empty()) return yes; break;
            case kind::purpose: if (*v != "server" && *v != "client") return yes; break;
            case kind::profile: if (*v != "webpki" && *v != "rfc5280") return yes; break;
            case kind::depth: if (!decimal_within(*v, 16) || decimal_within(*v, 0)) return yes; break;
            default: break;
        }
    }
    if (c.name == "aead-seal" || c.name == "aead-open") {
        const std::string& algorithm = p.positionals[0];
        const std::size_t key = *hex_size(*p.value("key")), nonce = *hex_size(*p.value("nonce"));
        if (key != (algorithm == "aes-128-gcm" ? 16u : 32u) || nonce == 0) return yes;
        if (algorithm == "chacha20-poly1305" && nonce != 12) return yes;
        if (algorithm == "xchacha20-poly1305" && nonce != 24) return yes;
        if (c.name == "aead-open") {
            std::string hex;
            for (const char ch : input)
                if (std::strchr(" \t\n\r\v\f", ch) == nullptr || ch == '\0') hex.push_back(ch);
            if (!hex_size(hex)) return yes;
        }
    }
    const bool reads_files = c.file_positional || std::any_of(c.options.begin(), c.options.end(), [](const option& o) {
                                 return o.type == kind::file;
                             });
    return reads_files ? expect::either : expect::no_usage_error;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> out;
    for (;;) {
        const std::size_t at = text.find(separator);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + separator.size());
    }
}

// A stream's content, taken when the stream is closed.
struct captured {
    char* data = nullptr;
    std::size_t size = 0;
    FILE* stream = nullptr;
    captured() : stream(open_memstream(&data, &size)) { require(stream != nullptr); }
    ~captured() { std::free(data); }
    std::string_view close() {
        std::fclose(stream);
        return std::string_view(data, size);
    }
};

struct run_result {
    int status;
    std::string printed, complained;
};

// glibc's stdin, stdout and stderr are ordinary variables that may be assigned (glibc manual,
// "Standard Streams"): the commands' streams are swapped for memory ones around the call.
run_result run_tool(std::vector<std::string> argv_strings, std::string_view stdin_text) {
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    FILE* const saved[3] = {stdin, stdout, stderr};
    static char empty[1];
    stdin = stdin_text.empty() ? fmemopen(empty, 1, "r")
                               : fmemopen(const_cast<char*>(stdin_text.data()), stdin_text.size(), "r");
    require(stdin != nullptr);
    if (stdin_text.empty()) std::fgetc(stdin);  // at its end: an empty standard input
    captured out, err;
    stdout = out.stream;
    stderr = err.stream;
    const int status = carapace_tool::run(static_cast<int>(argv.size() - 1), argv.data());
    std::fclose(stdin);
    stdin = saved[0];
    stdout = saved[1];
    stderr = saved[2];
    return {status, std::string(out.close()), std::string(err.close())};
}

// The private folder of FILE1..FILE3, removed at exit.
char folder_name[] = "/tmp/carapace-fuzz-cli-XXXXXX";

void remove_folder() {
    for (const char* file : {"/1", "/2", "/3"}) std::remove((std::string(folder_name) + file).c_str());
    rmdir(folder_name);
}

std::string folder() {
    static const bool made = mkdtemp(folder_name) != nullptr && std::atexit(remove_folder) == 0;
    require(made);
    return folder_name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::vector<std::string_view> sections = split(input, "\xff\xff");
    std::vector<std::string> args;
    if (!sections[0].empty())
        for (const auto a : split(sections[0], std::string_view("\0", 1))) args.emplace_back(a);
    for (const auto& a : args)
        if (a.find('/') != std::string::npos) return 0;
    const std::string_view stdin_text = sections.size() > 1 ? sections[1] : std::string_view();
    for (std::size_t i = 1; i <= 3; ++i) {
        const std::string path = folder() + "/" + std::to_string(i);
        FILE* f = std::fopen(path.c_str(), "wb");
        require(f != nullptr);
        if (i + 1 < sections.size()) std::fwrite(sections[i + 1].data(), 1, sections[i + 1].size(), f);
        std::fclose(f);
    }

    // What the contract says, and the file arguments to point into the folder.
    expect expected = expect::usage_error;
    std::vector<std::string> argv_strings = {"carapace-tool"};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    if (!args.empty()) {
        const std::string_view name = args[0];
        if (name == "--help" || name == "-h" || name == "help" || name == "--version") expected = expect::no_usage_error;
        if (name == "s_client" || name == "s_server" || name == "speed" || name == "genkey" || name == "sign" ||
            name == "age-keygen" || name == "encrypt" || name == "decrypt" || name == "rewrap" ||
            name == "shake128" || name == "shake256" || name == "mlkem-keygen" || name == "mlkem-encaps" ||
            name == "mlkem-decaps")
            expected = expect::either;
        for (const auto& c : commands()) {
            if (c.name != name) continue;
            const std::vector<std::string> rest(args.begin() + 1, args.end());
            const parsed p = parse(c, rest);
            expected = usage_error_expected(c, p, stdin_text);
            for (const auto& [i, at] : p.file_arguments)
                argv_strings[2 + i] = rest[i].substr(0, at) + folder() + "/" + rest[i].substr(at);
        }
    }
    const run_result first = run_tool(argv_strings, stdin_text), second = run_tool(argv_strings, stdin_text);
    require(first.status == second.status && first.printed == second.printed && first.complained == second.complained);
    const int status = first.status;
    const std::string_view printed = first.printed, complained = first.complained;

    if (status == carapace_tool::not_run) return 0;
    require(status == 0 || status == 1 || status == 2);
    if (status == 2) {
        // One line, the tool's name first, and nothing on stdout.
        require(printed.empty());
        require(complained.size() > 16 && complained.substr(0, 15) == "carapace-tool: " && complained.back() == '\n' &&
                complained.find('\n') == complained.size() - 1);
    }
    // Success prints something, except aead-open of an empty message.
    if (status == 0) require(complained.empty() && (!printed.empty() || args[0] == "aead-open"));
    if (expected != expect::either) require((status == 2) == (expected == expect::usage_error));
    return 0;
}
