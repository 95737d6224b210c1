// RFC 8448: every key-schedule value of every trace (extract, Derive-Secret, traffic keys,
// Finished, PSK binder, resumption) recomputed with HKDF-Expand-Label, the HkdfLabel encoding
// compared byte for byte, and the transcript hashes of the simple handshake recomputed from its
// messages.
#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

#include "carapace/hash/sha256.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/hkdf_label.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;
using test_support::to_hex;
using test_support::unhex;

namespace {

const test_json::value& trace_document() {
    static const test_json::value doc = test_support::load_vectors("rfc/rfc8448.json");
    return doc;
}

// The label in an action such as `derive secret "tls13 c hs traffic"`, without "tls13 ".
std::string label_of(const std::string& action) {
    const auto open = action.find("\"tls13 ");
    if (open == std::string::npos) return {};
    const auto close = action.find('"', open + 1);
    return action.substr(open + 7, close - open - 7);
}

byte_vector as_bytes(const std::string& s) { return byte_vector(s.begin(), s.end()); }

byte_vector expand_label(const byte_vector& secret, const std::string& label,
                         const byte_vector& context, std::size_t length) {
    byte_vector out(length);
    REQUIRE(tls::hkdf_expand_label<sha256>(secret, as_bytes(label), context, out) == errc::ok);
    return out;
}

std::string encoded_label(std::size_t length, const std::string& label, const byte_vector& context) {
    bytes<tls::max_hkdf_label_size> info{};
    const std::size_t n = tls::encode_hkdf_label(length, as_bytes(label), context, info);
    return to_hex(byte_view(info).first(n));
}

}  // namespace

TEST_CASE("RFC 8448 key schedules, all traces") {
    const auto& traces = trace_document()["traces"];
    REQUIRE(traces.size() == 5);
    std::size_t extracts = 0, expands = 0, keys = 0, finished = 0, binders = 0;
    for (const auto& trace : traces) {
        for (const auto& step : trace["steps"]) {
            const std::string action = step["action"].str();
            const auto& f = step["fields"];
            CAPTURE(trace["title"].str());
            CAPTURE(action);
            if (f.has("IKM")) {
                const auto secret = hkdf_extract<sha256>(unhex(f["salt"].str()), unhex(f["IKM"].str()));
                CHECK(to_hex(secret) == f["secret"].str());
                ++extracts;
            } else if (f.has("key info")) {
                const byte_vector prk = unhex(f["PRK"].str());
                const std::size_t key_len = f["key expanded"].str().size() / 2;
                const std::size_t iv_len = f["iv expanded"].str().size() / 2;
                CHECK(encoded_label(key_len, "key", {}) == f["key info"].str());
                CHECK(encoded_label(iv_len, "iv", {}) == f["iv info"].str());
                CHECK(to_hex(expand_label(prk, "key", {}, key_len)) == f["key expanded"].str());
                CHECK(to_hex(expand_label(prk, "iv", {}, iv_len)) == f["iv expanded"].str());
                ++keys;
            } else if (f.has("binder hash")) {
                // binder = HMAC(finished_key, Transcript-Hash(truncated ClientHello)).
                const byte_vector prefix = unhex(f["ClientHello prefix"].str());
                CHECK(to_hex(sha256::hash(prefix)) == f["binder hash"].str());
                CHECK(encoded_label(32, "finished", {}) == f["info"].str());
                const byte_vector key = expand_label(unhex(f["PRK"].str()), "finished", {}, 32);
                CHECK(to_hex(key) == f["expanded"].str());
                CHECK(to_hex(hmac<sha256>::mac(key, unhex(f["binder hash"].str()))) == f["finished"].str());
                ++binders;
            } else if (f.has("finished")) {
                // finished_key = HKDF-Expand-Label(base, "finished", "", 32). (The step's "hash"
                // is that empty context; verify_data is checked against the transcript below.)
                CHECK(label_of(action) == "finished");
                CHECK(f["hash"].str().empty());
                CHECK(encoded_label(32, "finished", {}) == f["info"].str());
                CHECK(to_hex(expand_label(unhex(f["PRK"].str()), "finished", {}, 32)) == f["expanded"].str());
                ++finished;
            } else if (f.has("PRK")) {
                const std::string label = label_of(action);
                REQUIRE_FALSE(label.empty());
                const byte_vector context = unhex(f["hash"].str());
                const std::size_t length = f["expanded"].str().size() / 2;
                CHECK(encoded_label(length, label, context) == f["info"].str());
                CHECK(to_hex(expand_label(unhex(f["PRK"].str()), label, context, length)) == f["expanded"].str());
                ++expands;
            }
        }
    }
    // Counted from the traces: a step that stopped matching its branch would show here.
    CHECK(extracts == 15);
    CHECK(expands == 48);
    CHECK(keys == 21);
    CHECK(finished == 10);
    CHECK(binders == 1);
}

TEST_CASE("RFC 8448 simple handshake: secrets and Finished over the transcript of its messages") {
    // Walks the trace in order, keeping the transcript as the messages are constructed, and
    // recomputes from it each transcript-dependent value: the handshake and application traffic
    // secrets and both Finished messages.
    const auto& steps = trace_document()["traces"][0]["steps"];
    byte_vector transcript;
    std::vector<std::string> finished_keys;  // server's, then client's
    std::size_t secrets_checked = 0, finished_checked = 0;
    for (const auto& step : steps) {
        const std::string action = step["action"].str();
        const auto& f = step["fields"];
        CAPTURE(action);
        if (action.rfind("derive secret \"tls13 ", 0) == 0 && f.has("PRK") &&
            (action.find("hs traffic") != std::string::npos || action.find("ap traffic") != std::string::npos)) {
            bytes<32> secret{};
            REQUIRE(tls::derive_secret<sha256>(unhex(f["PRK"].str()), as_bytes(label_of(action)),
                                               sha256::hash(transcript), secret) == errc::ok);
            CHECK(to_hex(secret) == f["expanded"].str());
            ++secrets_checked;
        } else if (action.rfind("calculate finished", 0) == 0 && f.has("expanded")) {
            finished_keys.push_back(f["expanded"].str());
        } else if (action == "construct a Finished handshake message") {
            // Finished = type 20, uint24 length 32, verify_data = HMAC(finished_key, transcript).
            REQUIRE(finished_checked < finished_keys.size());
            const auto verify_data = hmac<sha256>::mac(unhex(finished_keys[finished_checked]), sha256::hash(transcript));
            CHECK("14000020" + to_hex(verify_data) == f["Finished"].str());
            ++finished_checked;
        }
        if (action.rfind("construct a", 0) == 0 && action.find("NewSessionTicket") == std::string::npos) {
            for (const auto& [name, value] : f.members) {
                const byte_vector message = unhex(value.str());
                transcript.insert(transcript.end(), message.begin(), message.end());
            }
        }
    }
    CHECK(secrets_checked == 4);  // c/s hs traffic (server side), c/s ap traffic
    CHECK(finished_checked == 2);
}

TEST_CASE("HKDF-Expand-Label refuses labels and contexts too long for HkdfLabel") {
    bytes<32> out{};
    const byte_vector long_label(250, 'x');  // "tls13 " + 250 > 255
    CHECK(tls::hkdf_expand_label<sha256>(out, long_label, byte_view{}, out) == errc::invalid_argument);
    const byte_vector long_context(256, 0);
    CHECK(tls::hkdf_expand_label<sha256>(out, literal_bytes("key"), long_context, out) == errc::invalid_argument);
    const byte_vector longest_label(249, 'x');
    CHECK(tls::hkdf_expand_label<sha256>(out, longest_label, byte_view{}, out) == errc::ok);
}

// The key schedule layer on its own (tls/detail/key_schedule.hpp): the stages early -> handshake
// -> master driven with the simple trace's shared secret and transcript hashes, every secret they
// hand out compared with the trace; then the PSK stage of the resumed trace (binder key, early
// traffic, early exporter).
namespace {

using tls::detail::digest;

byte_vector trace_field(const std::string& title, const std::string& side, const std::string& action,
                        const std::string& name) {
    for (const auto& trace : trace_document()["traces"]) {
        if (trace["title"].str() != title) continue;
        for (const auto& s : trace["steps"])
            if (s["side"].str() == side && s["action"].str() == action && s["fields"].has(name))
                return unhex(s["fields"][name].str());
    }
    FAIL("no field " << name << " in " << action);
    return {};
}

std::string hex_of(const tls::detail::secret& s) { return to_hex(s.view()); }

}  // namespace

TEST_CASE("TLS key schedule stages: RFC 8448 simple trace, every secret") {
    const std::string t = "Simple 1-RTT Handshake";
    auto f = [&](const std::string& action, const std::string& name) { return trace_field(t, "server", action, name); };
    const byte_vector shared = f("extract secret \"handshake\"", "IKM");
    const byte_vector hello_hash = f("derive secret \"tls13 c hs traffic\"", "hash");

    tls::detail::early_secret early(tls::hash_kind::sha256, {});
    REQUIRE(early.valid());
    tls::detail::handshake_secret hs = std::move(early).to_handshake(shared);
    CHECK_FALSE(early.valid());  // consumed and wiped
    const auto traffic = hs.traffic(hello_hash);
    CHECK(hex_of(traffic.client) == to_hex(f("derive secret \"tls13 c hs traffic\"", "expanded")));
    CHECK(hex_of(traffic.server) == to_hex(f("derive secret \"tls13 s hs traffic\"", "expanded")));

    // The server's Finished over the transcript hash of ClientHello..CertificateVerify.
    sha256 transcript;
    for (const auto& [side, action, name] :
         {std::tuple{"client", "construct a ClientHello handshake message", "ClientHello"},
          std::tuple{"server", "construct a ServerHello handshake message", "ServerHello"},
          std::tuple{"server", "construct an EncryptedExtensions handshake message", "EncryptedExtensions"},
          std::tuple{"server", "construct a Certificate handshake message", "Certificate"},
          std::tuple{"server", "construct a CertificateVerify handshake message", "CertificateVerify"}})
        transcript.update(trace_field(t, side, action, name));
    bytes<32> finished_hash{};
    transcript.final(finished_hash);
    const digest server_finished = tls::detail::finished_verify_data(tls::hash_kind::sha256, traffic.server, finished_hash);
    CHECK(to_hex(server_finished.view()) == to_hex(f("calculate finished \"tls13 finished\"", "finished")));

    tls::detail::master_secret master = std::move(hs).to_master();
    CHECK_FALSE(hs.valid());
    const byte_vector app_hash = f("derive secret \"tls13 c ap traffic\"", "hash");
    const auto app = master.application(app_hash);
    CHECK(hex_of(app.client) == to_hex(f("derive secret \"tls13 c ap traffic\"", "expanded")));
    CHECK(hex_of(app.server) == to_hex(f("derive secret \"tls13 s ap traffic\"", "expanded")));
    CHECK(hex_of(app.exporter) == to_hex(f("derive secret \"tls13 exp master\"", "expanded")));

    const byte_vector res_hash = trace_field(t, "client", "derive secret \"tls13 res master\"", "hash");
    const tls::detail::secret resumption = std::move(master).to_resumption(res_hash);
    CHECK_FALSE(master.valid());
    CHECK(hex_of(resumption) == to_hex(trace_field(t, "client", "derive secret \"tls13 res master\"", "expanded")));

    // The ticket's PSK: the nonce is the HkdfLabel context of the trace's "resumption" step.
    const byte_vector info = f("generate resumption secret \"tls13 resumption\"", "info");
    const std::size_t label_size = info[2];
    const byte_vector nonce(info.begin() + static_cast<std::ptrdiff_t>(4 + label_size), info.end());
    const auto psk = tls::detail::resumption_psk(tls::hash_kind::sha256, resumption, nonce);
    CHECK(hex_of(psk) == to_hex(f("generate resumption secret \"tls13 resumption\"", "expanded")));

    // A later KeyUpdate's secret is application_traffic_secret_N+1 (§7.2).
    tls::detail::secret next = app.client;
    tls::detail::next_traffic_secret(tls::hash_kind::sha256, next);
    CHECK(hex_of(next) == to_hex(expand_label(byte_vector(app.client.view().begin(), app.client.view().end()),
                                              "traffic upd", {}, 32)));
}

TEST_CASE("TLS key schedule stages: RFC 8448 resumed trace, PSK early secret, binder key and early secrets") {
    const std::string t = "Resumed 0-RTT Handshake";
    auto f = [&](const std::string& action, const std::string& name) { return trace_field(t, "client", action, name); };
    const byte_vector psk = f("extract secret \"early\"", "IKM");
    tls::detail::early_secret early(tls::hash_kind::sha256, psk);
    const auto binder_key = early.binder_key(true);
    CHECK(hex_of(binder_key) == to_hex(f("calculate PSK binder", "PRK")));
    const byte_vector binder_hash = f("calculate PSK binder", "binder hash");
    const digest binder = tls::detail::finished_verify_data(tls::hash_kind::sha256, binder_key, binder_hash);
    CHECK(to_hex(binder.view()) == to_hex(f("calculate PSK binder", "finished")));
    const byte_vector hello_hash = f("derive secret \"tls13 c e traffic\"", "hash");
    CHECK(hex_of(early.client_early_traffic(hello_hash)) == to_hex(f("derive secret \"tls13 c e traffic\"", "expanded")));
    CHECK(hex_of(early.early_exporter(hello_hash)) == to_hex(f("derive secret \"tls13 e exp master\"", "expanded")));
    // An external PSK's binder key differs ("ext binder").
    CHECK(hex_of(early.binder_key(false)) != hex_of(binder_key));
}
