#include "tls_psk_files.hpp"

#include <algorithm>

#include "cli.hpp"
#include "platform.hpp"
#include "host/files.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/tls/cipher_suites.hpp"

namespace carapace_tool {

namespace tls = carapace::tls;

namespace {

constexpr std::string_view ticket_magic = "carapace-session-ticket 1";
constexpr std::size_t max_ticket_file = 4096;
constexpr std::size_t max_ticket_key_file = std::size_t{64} << 10;
constexpr std::uint32_t max_ticket_lifetime = 604800;  // §4.6.1

constexpr const char hex_digits[] = "0123456789abcdef";

std::string hex(carapace::byte_view bytes) {
    std::string out;
    out.reserve(2 * bytes.size());
    for (const std::uint8_t b : bytes) {
        out.push_back(hex_digits[b >> 4]);
        out.push_back(hex_digits[b & 15]);
    }
    return out;
}

// Splits off the next "\n"-terminated line; false when no complete line is left.
bool next_line(std::string_view& text, std::string_view& line) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return false;
    line = text.substr(0, end);
    text.remove_prefix(end + 1);
    return true;
}

std::optional<tls::cipher_suite> suite_named(std::string_view name) {
    for (const auto& s : tls::all_suites)
        if (tls::to_string(s.id) == name) return s.id;
    return std::nullopt;
}

}  // namespace

std::string format_ticket(const tls::client_ticket& t) {
    std::string out;
    out += ticket_magic;
    out += "\nserver_name ";
    out += t.name();
    out += "\nalpn ";
    out += t.alpn_size == 0 ? std::string("-") : hex(t.alpn_view());
    out += "\nsuite ";
    out += tls::to_string(t.suite);
    out += "\nreceived_at " + std::to_string(t.received_at);
    out += "\nlifetime " + std::to_string(t.lifetime);
    out += "\nage_add " + std::to_string(t.age_add);
    out += "\nmax_early_data " + std::to_string(t.max_early_data);
    out += "\npsk " + hex(t.psk_view());
    out += "\nticket " + hex(t.ticket_view());
    out += "\n";
    return out;
}

std::string parse_ticket(std::string_view text, tls::client_ticket& out) {
    if (text.size() > max_ticket_file) return "larger than " + std::to_string(max_ticket_file) + " bytes";
    std::string_view line;
    if (!next_line(text, line) || line != ticket_magic)
        return "line 1: not a ticket file (expected \"" + std::string(ticket_magic) + "\")";
    tls::client_ticket t;
    static constexpr std::string_view keys[] = {"server_name", "alpn",           "suite", "received_at", "lifetime",
                                                "age_add",     "max_early_data", "psk",   "ticket"};
    int number = 1;
    for (const std::string_view key : keys) {
        ++number;
        const std::string where = "line " + std::to_string(number) + ": ";
        if (!next_line(text, line)) return where + "missing (expected \"" + std::string(key) + " ...\")";
        if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ')
            return where + "expected \"" + std::string(key) + " ...\"";
        const std::string_view value = line.substr(key.size() + 1);
        const auto bytes = [&](std::size_t min, std::size_t max) -> std::optional<std::vector<std::uint8_t>> {
            auto b = parse_hex(value);
            if (!b || b->size() < min || b->size() > max) return std::nullopt;
            return b;
        };
        const auto number_value = [&](std::uint64_t max) { return parse_decimal(value, max); };
        if (key == "server_name") {
            if (value.empty() || value.size() > 255 ||
                !std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f; }))
                return where + "server_name takes 1 to 255 printable ASCII bytes";
            std::copy(value.begin(), value.end(), t.server_name.begin());
            t.server_name_size = static_cast<std::uint8_t>(value.size());
        } else if (key == "alpn") {
            if (value != "-") {
                const auto b = bytes(1, 255);
                if (!b) return where + "alpn takes 1 to 255 bytes in hex, or -";
                std::copy(b->begin(), b->end(), t.alpn.begin());
                t.alpn_size = static_cast<std::uint8_t>(b->size());
            }
        } else if (key == "suite") {
            const auto s = suite_named(value);
            if (!s) return where + "unknown cipher suite";
            t.suite = *s;
        } else if (key == "received_at") {
            const auto v = number_value(std::uint64_t{1} << 62);
            if (!v) return where + "received_at takes seconds since the epoch";
            t.received_at = static_cast<std::int64_t>(*v);
        } else if (key == "lifetime") {
            const auto v = number_value(max_ticket_lifetime);
            if (!v) return where + "lifetime takes 0 to 604800 seconds";
            t.lifetime = static_cast<std::uint32_t>(*v);
        } else if (key == "age_add" || key == "max_early_data") {
            const auto v = number_value(0xffffffff);
            if (!v) return where + std::string(key) + " takes 0 to 4294967295";
            (key == "age_add" ? t.age_add : t.max_early_data) = static_cast<std::uint32_t>(*v);
        } else if (key == "psk") {
            const std::size_t size = tls::hash_size(tls::find_suite(static_cast<std::uint16_t>(t.suite))->hash);
            auto b = bytes(size, size);
            if (!b) return where + "psk takes " + std::to_string(size) + " bytes in hex (the suite's hash size)";
            std::copy(b->begin(), b->end(), t.psk.begin());
            t.psk_size = static_cast<std::uint8_t>(size);
            carapace::secure_wipe(std::span<std::uint8_t>(*b));
        } else {
            const auto b = bytes(1, tls::max_stored_ticket_size);
            if (!b) return where + "ticket takes 1 to " + std::to_string(tls::max_stored_ticket_size) + " bytes in hex";
            std::copy(b->begin(), b->end(), t.ticket.begin());
            t.ticket_size = static_cast<std::uint16_t>(b->size());
        }
    }
    if (!text.empty()) return "line " + std::to_string(number + 1) + ": unexpected text after the ticket";
    out = t;
    return {};
}

std::string load_ticket(const std::string& path, tls::client_ticket& out) {
    std::string text, error;
    if (!host::read_file(path, text, error, max_ticket_file)) return error;
    std::string e = parse_ticket(text, out);
    carapace::secure_wipe(std::span<char>(text));
    return e.empty() ? e : path + ": " + e;
}

std::string save_ticket(const std::string& path, const tls::client_ticket& ticket) {
    std::string text = format_ticket(ticket);
    std::string error;
    (void)platform::write_private_file(
        path, carapace::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), error);
    carapace::secure_wipe(std::span<char>(text));
    return error;
}

std::string parse_ticket_keys(std::string_view text, std::vector<tls::ticket_key>& out) {
    out.clear();
    int number = 0;
    while (!text.empty()) {
        ++number;
        std::string_view line;
        if (!next_line(text, line)) {
            line = text;
            text = {};
        }
        const std::string where = "line " + std::to_string(number) + ": ";
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return where + "expected \"ID HEX\" (a key id and 64 hex digits)";
        const auto id = parse_decimal(line.substr(0, space), 0xffffffff);
        if (!id) return where + "the key id takes 0 to 4294967295";
        auto key = parse_hex(line.substr(space + 1));
        if (!key || key->size() != 32) return where + "the key takes 64 hex digits (32 bytes)";
        if (std::any_of(out.begin(), out.end(), [&](const tls::ticket_key& k) { return k.id == *id; }))
            return where + "key id " + std::to_string(*id) + " is listed twice";
        if (out.size() == max_ticket_keys) return where + "more than " + std::to_string(max_ticket_keys) + " keys";
        tls::ticket_key k;
        k.id = static_cast<std::uint32_t>(*id);
        std::copy(key->begin(), key->end(), k.key.begin());
        carapace::secure_wipe(std::span<std::uint8_t>(*key));
        out.push_back(k);
    }
    if (out.empty()) return "no key (lines \"ID HEX\", newest first)";
    return {};
}

std::string load_ticket_keys(const std::string& path, std::vector<tls::ticket_key>& out) {
    std::string text, error;
    if (!host::read_file(path, text, error, max_ticket_key_file)) return error;
    std::string e = parse_ticket_keys(text, out);
    carapace::secure_wipe(std::span<char>(text));
    return e.empty() ? e : path + ": " + e;
}

void file_ticket_store::put(const tls::client_ticket& ticket) noexcept {
    if (out_path.empty()) return;
    const std::string e = save_ticket(out_path, ticket);
    if (!e.empty() && write_error.empty()) write_error = e;
    if (e.empty()) ++written;
}

bool file_ticket_store::take(std::string_view server_name, std::int64_t now, tls::client_ticket& out) noexcept {
    if (!loaded) return false;
    if (loaded->name() != server_name) {
        not_offered = "for another server name";
    } else if (now < loaded->received_at) {
        not_offered = "received later than now, by this clock";
    } else if (!loaded->fresh(now)) {
        not_offered = "expired";
    } else {
        out = *loaded;
        // The file keeps whole seconds: the age the engine reports (§4.2.11.1, in milliseconds)
        // is then up to a second more than the true one, well within the skew servers allow for
        // 0-RTT (§8.3). Without this the age would count from the epoch and early data be refused.
        out.received_at_ms = loaded->received_at * 1000;  // received_at <= now: no overflow
        loaded.reset();
        return true;
    }
    loaded.reset();
    return false;
}

std::string parse_psk_options(const std::optional<std::string>& psk, const std::optional<std::string>& identity,
                              const std::optional<std::string>& mode, psk_options& out) {
    if (psk.has_value() != identity.has_value()) return "--psk and --psk-identity go together";
    if (psk) {
        auto key = parse_hex(*psk);
        if (!key || key->empty() || key->size() > 255) return "--psk takes 1 to 255 bytes in hex";
        if (identity->empty() || identity->size() > 65535) return "--psk-identity takes 1 to 65535 bytes";
        out.key = std::move(*key);
        out.identity = *identity;
        tls::external_psk p;
        p.identity = carapace::byte_view(reinterpret_cast<const std::uint8_t*>(out.identity.data()), out.identity.size());
        p.key = out.key;
        out.psks = {p};
    }
    if (mode) {
        if (*mode == "psk_dhe_ke") out.modes = {tls::psk_mode::psk_dhe_ke};
        else if (*mode == "psk_ke") out.modes = {tls::psk_mode::psk_ke};
        else if (*mode == "both") out.modes = {tls::psk_mode::psk_dhe_ke, tls::psk_mode::psk_ke};
        else return "--psk-mode takes psk_dhe_ke, psk_ke or both";
    }
    return {};
}

}  // namespace carapace_tool
