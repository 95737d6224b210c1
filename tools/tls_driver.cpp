#include "tls_driver.hpp"

#include <cstdio>

#include "cli.hpp"
#include "key_files.hpp"
#include "x509_text.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/keys.hpp"

namespace carapace_tool {

namespace tls = carapace::tls;
namespace x509 = carapace::x509;

tls::error recording_verifier::verify_chain(std::span<const carapace::byte_view> chain, std::string_view host,
                                            bool peer_is_server, std::optional<std::int64_t> now,
                                            std::string_view& detail) noexcept {
    note_peer(chain);
    const tls::error e = inner_.verify_chain(chain, host, peer_is_server, now, detail);
    note_result(e, detail);
    return e;
}

tls::error recording_verifier::verify_chain_and_status(std::span<const carapace::byte_view> chain,
                                                       std::string_view host, bool peer_is_server,
                                                       std::optional<std::int64_t> now,
                                                       carapace::byte_view stapled_ocsp, tls::stapled_status& status,
                                                       std::string_view& detail) noexcept {
    note_peer(chain);
    const tls::error e = inner_.verify_chain_and_status(chain, host, peer_is_server, now, stapled_ocsp, status, detail);
    note_result(e, detail);
    return e;
}

tls::error recording_verifier::verify_raw_public_key(carapace::byte_view spki, bool peer_is_server,
                                                     std::string_view& detail) noexcept {
    called_ = true;
    const auto key = x509::parse_public_key(spki);
    subject_ = "raw public key (" + (key ? key_type_name(key->type) : std::string("malformed")) + ")";
    const tls::error e = inner_.verify_raw_public_key(spki, peer_is_server, detail);
    note_result(e, detail);
    return e;
}

void recording_verifier::note_peer(std::span<const carapace::byte_view> chain) {
    called_ = true;
    subject_ = "none";
    if (!chain.empty()) {
        const auto leaf = x509::parse_certificate(chain[0]);
        subject_ = leaf ? describe_name(leaf->subject) : "(malformed)";
    }
}

void recording_verifier::note_result(tls::error e, std::string_view detail) {
    if (skipping_) result_ = "skipped";
    else if (e == tls::error::none) result_ = "ok";
    else result_ = std::string(detail.empty() ? tls::to_string(e) : detail);
}

void print_line(std::string_view key, std::string_view value) {
    const std::string safe = terminal_text(value);  // SNI, names and SANs are the peer's choice
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(key.size()), key.data(), safe.c_str());
    std::fflush(stderr);
}

void print_summary(tls::cipher_suite suite, tls::named_group group, bool hrr, carapace::byte_view alpn,
                   const recording_verifier& verifier, std::string_view peer_fallback,
                   std::string_view verify_fallback) {
    print_line("protocol", "TLSv1.3");
    print_line("cipher", tls::to_string(suite));
    print_line("group", group == tls::named_group{} ? std::string_view("none") : tls::to_string(group));  // none: psk_ke
    print_line("hrr", hrr ? "yes" : "no");
    print_line("alpn", alpn.empty() ? std::string("none") : std::string(alpn.begin(), alpn.end()));
    print_line("peer", verifier.called() ? verifier.subject() : std::string(peer_fallback));
    print_line("verify", verifier.called() ? verifier.result() : std::string(verify_fallback));
}

void print_psk_summary(bool resumed, bool external_psk, bool early_offered, bool early_accepted) {
    print_line("resumed", resumed ? "yes" : "no");
    print_line("psk", external_psk ? "yes" : "no");
    print_line("early_data", !early_offered ? "not_offered" : early_accepted ? "accepted" : "rejected");
}

void print_failure(const tls::io_result& r, const recording_verifier& verifier, bool handshake_done) {
    if (!handshake_done && verifier.called()) {
        print_line("peer", verifier.subject());
        print_line("verify", verifier.result());
    }
    if (r.failure == tls::error::peer_alert) {
        print_line("alert", tls::to_string(r.alert));
        print_line("alert_by", "peer");
    } else if (tls::sends_alert(r.failure)) {
        print_line("alert", tls::to_string(r.alert));
        print_line("alert_by", "us");
    } else {
        print_line("error", tls::to_string(r.failure));
    }
}

}  // namespace carapace_tool
