// SPKI pinning through the TLS engine (RFC 7469 pin-sha256, x509/pins.hpp): tls::x509_verifier
// checks its pins against the path it validated, so a pinned key anywhere in that path (leaf,
// intermediate, root) lets the handshake through, and a key that is only sent along is not enough.
#include <doctest/doctest.h>

#include <vector>

#include "support/tls_session.hpp"

namespace pinning_tests {

using namespace carapace;
using namespace test_support;

x509::spki_pin pin_of_certificate(byte_view der) {
    const auto c = x509::parse_certificate(der);
    REQUIRE(c.ok());
    return x509::pin_of(c->public_key);
}

// The client's handshake with the given pins: its failure (error::none: it completed).
tls::error handshake_with(std::vector<x509::spki_pin> pins, x509::pin_options options = {},
                          bool stranger_appended = false) {
    setup t;
    t.client_trust.verifier->pin(pins, options);
    identity stranger("stranger");
    std::vector<byte_view> chain = t.server_id.views;
    if (stranger_appended) chain.push_back(stranger.views[0]);  // sent along, not in the path
    t.server_config.certificate_chain = chain;
    session s(t.client_config, t.server_config);
    s.handshake();
    if (s.client.handshake_complete()) return tls::error::none;
    return s.client_log.last_fatal.failure;
}

TEST_CASE("TLS pinning: a pinned key of the validated path, with a backup pin") {
    setup t;
    const x509::spki_pin leaf = pin_of_certificate(t.server_id.views[0]);
    const x509::spki_pin intermediate = pin_of_certificate(t.server_id.views[1]);
    const x509::spki_pin root = pin_of_certificate(t.client_trust.root);
    identity stranger("stranger");
    const x509::spki_pin backup = pin_of_certificate(stranger.views[0]);  // matches nothing of the path

    CHECK(handshake_with({leaf, backup}) == tls::error::none);
    CHECK(handshake_with({intermediate, backup}) == tls::error::none);
    CHECK(handshake_with({backup, root}) == tls::error::none);
    // No pinned key in the path: refused, also when the pinned certificate is sent along.
    const x509::spki_pin client_key = pin_of_certificate(t.client_id.views[0]);
    CHECK(handshake_with({backup, client_key}) == tls::error::bad_certificate);
    CHECK(handshake_with({backup}, {}, true) == tls::error::bad_certificate);
    // Every pin in the path: no backup, refused unless waived.
    CHECK(handshake_with({leaf, intermediate}) == tls::error::bad_certificate);
    x509::pin_options waive;
    waive.allow_no_backup_pin = true;
    CHECK(handshake_with({leaf, intermediate}, waive) == tls::error::none);
    CHECK(handshake_with({}) == tls::error::none);  // no pins: path validation alone
}

}  // namespace pinning_tests
