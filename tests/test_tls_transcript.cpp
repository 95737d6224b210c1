// The transcript layer alone (tls/detail/transcript.hpp), no engine: both hashes run until a
// suite is chosen, the running hash is kept across reads, and after a HelloRetryRequest
// ClientHello1 is replaced by message_hash (§4.4.1), checked against the RFC 8448 HelloRetryRequest
// trace's "c hs traffic" context (Hash(message_hash, HelloRetryRequest, ClientHello2, ServerHello)).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/tls/detail/transcript.hpp"
#include "support/vectors.hpp"

namespace transcript_tests {

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

// The n-th (from 0) value of `name` in the trace's steps of `side` with exactly this action.
byte_vector hrr_field(const std::string& side, const std::string& action, const std::string& name, int n = 0) {
    static const test_json::value doc = test_support::load_vectors("rfc/rfc8448.json");
    for (const auto& trace : doc["traces"]) {
        if (trace["title"].str() != "HelloRetryRequest") continue;
        for (const auto& s : trace["steps"])
            if (s["side"].str() == side && s["action"].str() == action && s["fields"].has(name) && n-- == 0)
                return unhex(s["fields"][name].str());
    }
    FAIL("no field " << name);
    return {};
}

TEST_CASE("TLS transcript: both hashes run until the suite is chosen; reading keeps the running hash") {
    const byte_vector a = {1, 0, 0, 2, 0xaa, 0xbb}, b = {2, 0, 0, 1, 0xcc};
    tls::detail::transcript t;
    t.update(a);
    t.choose(tls::hash_kind::sha384);
    bytes<tls::max_hash_size> out{};
    REQUIRE(t.current(out) == 48);
    CHECK(to_hex(byte_view(out).first(48)) == to_hex(sha384::hash(a)));
    t.update(b);
    REQUIRE(t.current(out) == 48);
    byte_vector ab = a;
    ab.insert(ab.end(), b.begin(), b.end());
    CHECK(to_hex(byte_view(out).first(48)) == to_hex(sha384::hash(ab)));
    REQUIRE(t.current(out) == 48);  // again: nothing consumed
    CHECK(to_hex(byte_view(out).first(48)) == to_hex(sha384::hash(ab)));

    tls::detail::transcript u;
    u.update(a);
    u.choose(tls::hash_kind::sha256);
    REQUIRE(u.current(out) == 32);
    CHECK(to_hex(byte_view(out).first(32)) == to_hex(sha256::hash(a)));
}

TEST_CASE("TLS transcript: message_hash replaces ClientHello1 (RFC 8448 HelloRetryRequest trace)") {
    const byte_vector ch1 = hrr_field("client", "construct a ClientHello handshake message", "ClientHello", 0);
    const byte_vector hrr = hrr_field("server", "construct a ServerHello handshake message", "ServerHello", 0);
    const byte_vector ch2 = hrr_field("client", "construct a ClientHello handshake message", "ClientHello", 1);
    const byte_vector sh = hrr_field("server", "construct a ServerHello handshake message", "ServerHello", 1);
    tls::detail::transcript t;
    t.update(ch1);
    t.choose(tls::hash_kind::sha256);
    t.replace_with_message_hash();
    t.update(hrr);
    t.update(ch2);
    t.update(sh);
    bytes<tls::max_hash_size> out{};
    REQUIRE(t.current(out) == 32);
    CHECK(to_hex(byte_view(out).first(32)) == to_hex(hrr_field("server", "derive secret \"tls13 c hs traffic\"", "hash")));
    // The same by hand: message_hash = 254 00 00 32 || Hash(ClientHello1).
    byte_vector manual = {254, 0, 0, 32};
    const auto h1 = sha256::hash(ch1);
    manual.insert(manual.end(), h1.begin(), h1.end());
    for (const auto* m : {&hrr, &ch2, &sh}) manual.insert(manual.end(), m->begin(), m->end());
    CHECK(to_hex(byte_view(out).first(32)) == to_hex(sha256::hash(manual)));
}

}  // namespace transcript_tests
