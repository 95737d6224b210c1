// The PSK material s_client and s_server keep in files or take as arguments: a session ticket
// (s_client --sess-out / --sess-in), the server's ticket-key ring (s_server --ticket-key-file)
// and an external PSK (--psk HEX --psk-identity ID). RFC 8446 leaves how a client stores a ticket
// to the implementation (§4.6.1), so the ticket file is our own format, documented here.
//
// Ticket file (text, at most 4 KiB, "\n" line ends, exactly these ten lines in this order):
//   carapace-session-ticket 1
//   server_name NAME        1 to 255 printable ASCII bytes, no space (the SNI it was received for)
//   alpn HEX                the negotiated protocol's bytes in hex, or "-" when none
//   suite NAME              a TLS 1.3 suite's name, e.g. TLS_AES_128_GCM_SHA256 (tls::to_string)
//   received_at SECONDS     since the epoch, by the client's clock
//   lifetime SECONDS        0 to 604800 (§4.6.1)
//   age_add N               0 to 4294967295
//   max_early_data N        0 to 4294967295 (0: the ticket allows no early data)
//   psk HEX                 the resumption PSK: the suite's hash size (32 or 48 bytes)
//   ticket HEX              1 to 512 bytes, as the server sent it
// The version line comes first so that a later format can be told apart. The file holds a secret
// (the PSK): it is written with mode 0600, and must be protected like a private key.
//
// Ticket-key file (text, at most 64 KiB): one key per line, "ID HEX" (ID a decimal 32-bit key id,
// HEX 64 hex digits: a 32-byte key), newest first; empty lines and lines starting with "#" are
// skipped. The first key seals new tickets, every key listed opens them: to rotate, add a new line
// at the top; to retire a key, remove its line. 1 to 16 keys, ids distinct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/tls/config.hpp"
#include "carapace/tls/psk/external_psk.hpp"
#include "carapace/tls/tickets/ticket_keys.hpp"
#include "carapace/tls/tickets/ticket_store.hpp"

namespace carapace_tool {

inline constexpr std::size_t max_ticket_keys = 16;

// The ticket file's text for `ticket`.
std::string format_ticket(const carapace::tls::client_ticket& ticket);
// Parses a ticket file's text into `out`: "" on success, else what is wrong ("line N: ...").
std::string parse_ticket(std::string_view text, carapace::tls::client_ticket& out);

// Reads the ticket file at `path`: "" on success, else the message to print.
std::string load_ticket(const std::string& path, carapace::tls::client_ticket& out);
// Writes `ticket` to `path` (mode 0600, through a temporary file renamed over it): "" on success.
std::string save_ticket(const std::string& path, const carapace::tls::client_ticket& ticket);

// Parses a ticket-key file's text: "" on success, else what is wrong.
std::string parse_ticket_keys(std::string_view text, std::vector<carapace::tls::ticket_key>& out);
std::string load_ticket_keys(const std::string& path, std::vector<carapace::tls::ticket_key>& out);

// s_client's ticket store: holds the ticket of --sess-in (offered once, if it is for this server
// name and still fresh) and writes each ticket received to --sess-out (the last one received wins).
class file_ticket_store final : public carapace::tls::ticket_store {
public:
    std::optional<carapace::tls::client_ticket> loaded;  // from --sess-in
    std::string out_path;                                // --sess-out, empty for none
    std::string write_error;                             // the first failure to write, if any
    std::string not_offered;                             // why the loaded ticket was not offered
    int written = 0;

    void put(const carapace::tls::client_ticket& ticket) noexcept override;
    bool take(std::string_view server_name, std::int64_t now, carapace::tls::client_ticket& out) noexcept override;
};

// --psk HEX --psk-identity ID (both or neither) and --psk-mode psk_dhe_ke|psk_ke|both, for both
// commands; the mode applies to resumption too.
struct psk_options {
    std::vector<std::uint8_t> key;
    std::string identity;
    std::vector<carapace::tls::external_psk> psks;  // one entry when --psk was given
    std::vector<carapace::tls::psk_mode> modes{carapace::tls::psk_mode::psk_dhe_ke};
};
// Fills `out` from the arguments: "" on success, else the usage error.
std::string parse_psk_options(const std::optional<std::string>& psk, const std::optional<std::string>& identity,
                              const std::optional<std::string>& mode, psk_options& out);

}  // namespace carapace_tool
