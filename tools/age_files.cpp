// carapace-tool's age options and key files: identity files (age-keygen's), recipient files,
// passphrases (from a file descriptor or an environment variable, never the command line) and
// KEK rings ("ID VERSION HEX" lines).
#include "age_files.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "host/random.hpp"

namespace carapace_tool::age {

namespace env = carapace::envelope;

namespace {

// The default and the largest scrypt work factors (log2 N); 2^18 is what age writes.
constexpr unsigned default_work_factor = 18;
constexpr unsigned largest_work_factor = 22;

bool read_lines(const std::string& path, std::vector<std::string>& lines) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        lines.push_back(line);
    }
    return true;
}

std::string read_passphrase(const options& o, std::string& out) {
    if (o.passphrase_env) {
        const char* v = std::getenv(o.passphrase_env->c_str());
        if (v == nullptr) return "environment variable " + *o.passphrase_env + " is not set";
        out = v;
    } else if (o.passphrase_fd) {
        const auto fd = parse_decimal(*o.passphrase_fd, 1 << 20);
        if (!fd) return "--passphrase-fd takes a file descriptor number";
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(static_cast<int>(*fd), buffer, sizeof buffer);
            if (n < 0) return "cannot read the passphrase file descriptor";
            if (n == 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
            if (out.size() > 65536) return "passphrase too long";
        }
        if (!out.empty() && out.back() == '\n') out.pop_back();
        if (!out.empty() && out.back() == '\r') out.pop_back();
    } else {
        return "-p needs --passphrase-fd N or --passphrase-env NAME (never on the command line)";
    }
    if (out.empty()) return "empty passphrase";
    return {};
}

std::string setup_passphrase(const options& o, key_set& keys) {
    if (const std::string e = read_passphrase(o, keys.passphrase); !e.empty()) return e;
    unsigned work_factor = default_work_factor;
    if (o.max_work_factor) {
        const auto w = parse_decimal(*o.max_work_factor, largest_work_factor);
        if (!w || *w == 0) return "--work-factor takes 1 to 22";
        work_factor = static_cast<unsigned>(*w);
    }
    keys.scrypt_work.resize(env::scrypt_work_words_for(work_factor));
    keys.scrypt = std::make_unique<env::scrypt_passphrase>(
        carapace::byte_view(reinterpret_cast<const std::uint8_t*>(keys.passphrase.data()), keys.passphrase.size()),
        keys.scrypt_work, work_factor, work_factor);
    keys.wrappers.push_back(keys.scrypt.get());
    return {};
}

std::string load_ring(const options& o, key_set& keys, std::string_view active) {
    std::vector<std::string> lines;
    if (!read_lines(*o.kek_ring, lines)) return "cannot read KEK ring " + *o.kek_ring;
    keys.kek_ids.reserve(lines.size());
    std::uint32_t active_version = 0;
    bool found = false;
    for (const auto& line : lines) {
        std::istringstream fields(line);
        std::string id, version, hex, extra;
        fields >> id >> version >> hex;
        const auto v = parse_decimal(version, 0xffffffffu);
        const auto key = parse_hex(hex);
        if (id.empty() || !v || !key || key->size() != 32 || (fields >> extra))
            return "KEK ring line is not \"ID VERSION HEX(32 bytes)\"";
        keys.kek_ids.push_back(id);
        env::kek k{keys.kek_ids.back(), static_cast<std::uint32_t>(*v), {}};
        std::copy(key->begin(), key->end(), k.key.begin());
        keys.keks.push_back(k);
        if (id == active && (!found || *v > active_version)) active_version = static_cast<std::uint32_t>(*v), found = true;
    }
    if (!active.empty() && !found) return "no KEK with id " + std::string(active) + " in the ring";
    keys.ring = std::make_unique<env::kek_ring>(keys.keks, active, active_version);
    keys.wrappers.push_back(keys.ring.get());
    return {};
}

}  // namespace

key_set::~key_set() {
    for (auto& k : keks) carapace::secure_wipe(k.key);
    carapace::secure_wipe(passphrase.data(), passphrase.size());
}

void os_random::fill(carapace::byte_span out) noexcept { host::getrandom_source().fill(out); }

options parse_options(std::span<char* const> args) {
    options o;
    auto take = [&](std::size_t& i, std::string_view name) -> std::optional<std::string> {
        if (i + 1 >= args.size()) {
            o.error = "missing value after " + std::string(name);
            return std::nullopt;
        }
        return std::string(args[++i]);
    };
    for (std::size_t i = 0; i < args.size() && o.error.empty(); ++i) {
        std::string a = args[i];
        std::optional<std::string> inline_value;
        if (a.starts_with("--") && a.find('=') != std::string::npos) {
            inline_value = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
        }
        auto value = [&]() { return inline_value ? inline_value : take(i, a); };
        if (a == "-r" || a == "--recipient") {
            if (auto v = value()) o.recipients.push_back(*v);
        } else if (a == "-R" || a == "--recipients-file") {
            if (auto v = value()) o.recipient_files.push_back(*v);
        } else if (a == "-i" || a == "--identity") {
            if (auto v = value()) o.identity_files.push_back(*v);
        } else if (a == "-o" || a == "--output") {
            o.output = value();
        } else if (a == "-p" || a == "--passphrase") {
            o.passphrase = true;
        } else if (a == "-pq" || a == "--pq") {
            o.post_quantum = true;
        } else if (a == "-a" || a == "--armor") {
            o.armor = true;
        } else if (a == "--kek-ring") {
            o.kek_ring = value();
        } else if (a == "--kek-id") {
            o.kek_id = value();
        } else if (a == "--passphrase-fd") {
            o.passphrase_fd = value();
        } else if (a == "--passphrase-env") {
            o.passphrase_env = value();
        } else if (a == "--range") {
            o.range = value();
        } else if (a == "--work-factor") {
            o.max_work_factor = value();
        } else if (a.size() > 1 && a[0] == '-') {
            o.error = "unknown option '" + terminal_text(a) + "'";
        } else {
            o.positionals.push_back(a);
        }
    }
    return o;
}

std::string load_identities(const options& o, key_set& keys) {
    for (const auto& path : o.identity_files) {
        std::vector<std::string> lines;
        if (!read_lines(path, lines)) return "cannot read identity file " + terminal_text(path);
        for (const auto& line : lines) {
            carapace::bytes<32> sk{};
            if (env::x25519_identity::parse(line, sk)) {
                keys.identities.push_back(std::make_unique<env::x25519_identity>(sk));
                keys.wrappers.push_back(keys.identities.back().get());
            } else if (env::hybrid_identity::parse(line, sk)) {
                keys.hybrid_identities.push_back(std::make_unique<env::hybrid_identity>(sk));
                if (!keys.hybrid_identities.back()->valid()) return "unusable hybrid identity in " + terminal_text(path);
                keys.wrappers.push_back(keys.hybrid_identities.back().get());
            } else {
                return "not an age identity in " + terminal_text(path);
            }
            carapace::secure_wipe(sk);
        }
    }
    if (o.kek_ring)
        if (const std::string e = load_ring(o, keys, ""); !e.empty()) return e;
    if (o.passphrase)
        if (const std::string e = setup_passphrase(o, keys); !e.empty()) return e;
    if (keys.wrappers.empty()) return "missing -i IDENTITY_FILE, -p or --kek-ring FILE";
    return {};
}

std::string load_recipients(const options& o, key_set& keys) {
    std::vector<std::string> texts = o.recipients;
    for (const auto& path : o.recipient_files)
        if (!read_lines(path, texts)) return "cannot read recipients file " + terminal_text(path);
    for (const auto& text : texts) {
        carapace::bytes<32> pk{};
        env::hybrid_recipient::public_key_bytes hybrid_pk{};
        if (env::x25519_recipient::parse(text, pk)) {
            keys.recipients.push_back(std::make_unique<env::x25519_recipient>(pk));
            keys.wrappers.push_back(keys.recipients.back().get());
        } else if (env::hybrid_recipient::parse(text, hybrid_pk)) {
            keys.hybrid_recipients.push_back(std::make_unique<env::hybrid_recipient>(hybrid_pk));
            keys.wrappers.push_back(keys.hybrid_recipients.back().get());
        } else {
            return "not an age recipient: " + terminal_text(text.substr(0, 80));
        }
    }
    // As age does: a post-quantum recipient beside a classic X25519 one would leave the file only
    // as strong as X25519 (the spec says SHOULD NOT; age refuses).
    if (!keys.hybrid_recipients.empty() && !keys.recipients.empty())
        return "post-quantum (age1pq1) recipients cannot be mixed with X25519 (age1) ones";
    if (o.kek_ring) {
        if (!o.kek_id) return "--kek-ring needs --kek-id ID to encrypt";
        if (const std::string e = load_ring(o, keys, *o.kek_id); !e.empty()) return e;
    }
    if (o.passphrase) {
        if (!keys.wrappers.empty()) return "-p cannot be combined with other recipients";
        if (const std::string e = setup_passphrase(o, keys); !e.empty()) return e;
    }
    if (keys.wrappers.empty()) return "missing -r RECIPIENT, -R FILE, -p or --kek-ring FILE --kek-id ID";
    return {};
}

}  // namespace carapace_tool::age
