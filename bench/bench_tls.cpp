// TLS 1.3 over memory: full handshakes per second and bulk transfer, carapace's engines against
// OpenSSL's libssl in the same run, for each cipher suite; then full handshakes with an ECDSA
// P-256 server chain, with an RSA-2048 server chain, with the secp256r1 group, and with the
// X25519MLKEM768 hybrid (draft-ietf-tls-ecdhe-mlkem; OpenSSL 3.0 has no ML-KEM, so its side of
// that row is X25519, and the hybrid's cost relative to our X25519 handshake is printed at the end).
//
// Both sides do the same work. One handshake = a fresh client and a fresh server (carapace:
// engines constructed in place; OpenSSL: SSL_new on contexts made once, a new BIO pair), one
// group (X25519 unless the row says otherwise), the server's Ed25519 chain of
// tests/vectors/tls/server.pem (leaf + intermediate) signed for with server.key, and the client
// verifying that chain against root.pem (a real RFC 5280 path validation: two certificate
// signatures, the host name "localhost", the time) and the server's CertificateVerify. The ECDSA
// row uses tests/vectors/tls/ec/server_p256_only.pem instead: P-256 keys throughout (leaf,
// intermediate, p256_root.pem; three P-256 verifications for the client, one P-256 signature for
// the server), with ecdsa_secp256r1_sha256 for CertificateVerify. The RSA row uses
// tests/vectors/tls/rsa/server_2048.pem: RSA-2048 keys throughout (root_2048.pem; two
// sha256WithRSAEncryption verifications and one RSA-PSS verification for the client, one RSA-PSS
// CRT signature for the server), rsa_pss_rsae_sha256 for CertificateVerify. No client certificate, no
// session tickets, no resumption in those rows.
//
// Resumed handshakes (RFC 8446 §2.2): the client offers the ticket of the connection before (one
// full handshake primes it) and the server opens it; each resumed handshake ends with the server
// sealing one new ticket and the client taking it in, which the next handshake offers (carapace: a
// memory_ticket_store, a ring of one ticket key; OpenSSL: one ticket, SSL_read on the client to take
// it, SSL_get1_session). psk_dhe_ke runs X25519 too; psk_ke runs no key exchange at all, which
// OpenSSL 3.0's client cannot ask for alone (it always offers psk_dhe_ke, and its server prefers
// it), so OpenSSL's side of that row is its psk_dhe_ke resumption. The validation time
// is fixed on both sides (2027, inside the test certificates' validity). Handshakes get two
// figures, as in bench_ec: the rate (best of alternating rounds) and, below the table, the fastest
// single handshake of many, which the shared machine disturbs far less.
//
// Bulk: after one handshake, each operation is one 16 KiB record sealed by the client and opened by
// the server (carapace: client.send then server.receive; OpenSSL: SSL_write then SSL_read over a
// BIO pair with room for several records).
//
// carapace is measured twice: with its default engines (buffers inside the object) and with lent
// buffers (handshake storage borrowed from a pool, records opened in the caller's input); the
// sizes of both are printed at the end.
//
// Randomness: carapace asks its random_source for each hello random and key share (and the 32
// bytes an ECDSA signature is hedged with, or an RSA-PSS signature's salt and blinding); the
// benchmark's source calls getrandom(2) every time
// (a real CSPRNG, as OpenSSL's DRBG is; its extra system calls, four or five per handshake, count
// against carapace).
//
// The file names come from CARAPACE_BENCH_TLS_VECTORS (set by meson to tests/vectors/tls).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "carapace/ec/detail/curve25519_dispatch.hpp"
#include "carapace/tls/buffer_pool.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "carapace/tls/tickets/ticket_store.hpp"
#include "compare.hpp"
#include "host/pem_files.hpp"
#include "host/random.hpp"

#if CARAPACE_BENCH_OPENSSL
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#endif

#ifndef CARAPACE_BENCH_TLS_VECTORS
#define CARAPACE_BENCH_TLS_VECTORS "tests/vectors/tls"
#endif

namespace {

using carapace_bench::best_of;
using carapace_bench::report;
namespace tls = carapace::tls;
using byte_vector = std::vector<std::uint8_t>;

constexpr std::int64_t validation_time = 1'800'000'000;  // 2027-01-15
constexpr std::size_t record_payload = 16384;

std::string vector_path(const char* name) { return std::string(CARAPACE_BENCH_TLS_VECTORS) + "/" + name; }

// The test PKI, through the loaders the tool and the examples use. Empty when a file cannot be
// loaded: the benchmark then reports that it could not start.
std::vector<byte_vector> load_certificates(const char* name) {
    std::vector<byte_vector> out;
    std::string error;
    if (!host::load_certificate_chain(vector_path(name), out, error)) std::fprintf(stderr, "%s\n", error.c_str());
    return out;
}

// What a handshake row runs with: the server's chain and key, the client's trust anchor, the group
// (with its OpenSSL name).
struct bench_setup {
    const char* label;  // appended to the row's name
    const char* chain;
    const char* key;
    const char* root;
    tls::named_group group;
    const char* openssl_group;
};
constexpr bench_setup ed25519_x25519{"", "server.pem", "server.key", "root.pem", tls::named_group::x25519, "X25519"};
constexpr bench_setup ecdsa_p256_chain{", ECDSA P-256 chain", "ec/server_p256_only.pem", "ec/server_p256_only.key",
                                       "ec/p256_root.pem", tls::named_group::x25519, "X25519"};
constexpr bench_setup rsa_2048_chain{", RSA-2048 chain", "rsa/server_2048.pem", "rsa/server_2048.key",
                                     "rsa/root_2048.pem", tls::named_group::x25519, "X25519"};
constexpr bench_setup secp256r1_group{", secp256r1", "server.pem", "server.key", "root.pem",
                                      tls::named_group::secp256r1, "P-256"};
// OpenSSL 3.0 has no ML-KEM: its side of the hybrid row is its X25519 handshake.
constexpr bench_setup x25519_mlkem768_group{", X25519MLKEM768 (OpenSSL: X25519)", "server.pem", "server.key",
                                            "root.pem", tls::named_group::x25519_mlkem768, "X25519"};

class fixed_clock final : public tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return validation_time; }
};

// Everything both engines need, loaded once.
template <tls::buffering Buffers>
struct carapace_side {
    using client_type = tls::basic_client<16384, Buffers>;
    using server_type = tls::basic_server<tls::default_server_handshake_buffer, Buffers>;
    using pool_type = tls::fixed_buffer_pool<server_type::storage_block_size == 0 ? 1 : server_type::storage_block_size, 2>;
    std::vector<byte_vector> chain;
    std::vector<carapace::byte_view> chain_views;
    std::vector<byte_vector> roots;
    carapace::x509::trust_store<1> store;
    std::optional<tls::ed25519_signer> ed25519_signer;
    std::optional<tls::ecdsa_signer<carapace::p256>> p256_signer;
    std::optional<tls::rsa_signer<2048>> rsa_signer;
    std::optional<tls::x509_verifier<1>> verifier;
    host::getrandom_source random;
    fixed_clock clock;
    tls::x25519_key_exchange x25519;
    tls::p256_key_exchange p256;
    tls::x25519_mlkem768_key_exchange x25519_mlkem768;
    tls::key_exchange* groups[1] = {&x25519};
    tls::named_group group_names[1] = {};
    tls::cipher_suite suite[1] = {};
    tls::client_config client_config;
    tls::server_config server_config;
    tls::ticket_key ticket_keys[1] = {};             // resumption rows only
    tls::memory_ticket_store<2> tickets;
    tls::psk_mode psk_modes[1] = {};
    bool resuming = false;
    // The engines (tens of KiB each) live on the heap so the benchmark's stack stays small; each
    // handshake constructs them again in place.
    std::unique_ptr<std::optional<client_type>> client = std::make_unique<std::optional<client_type>>();
    std::unique_ptr<std::optional<server_type>> server = std::make_unique<std::optional<server_type>>();
    std::unique_ptr<pool_type> pool = std::make_unique<pool_type>();  // lent buffers only
    byte_vector to_server = byte_vector(1 << 16), to_client = byte_vector(1 << 16), scratch = byte_vector(1 << 16);
    bool ok = false;

    carapace_side(tls::cipher_suite s, const bench_setup& setup)
        : chain(load_certificates(setup.chain)), roots(load_certificates(setup.root)) {
        suite[0] = s;
        group_names[0] = setup.group;
        if (setup.group == tls::named_group::secp256r1) groups[0] = &p256;
        if (setup.group == tls::named_group::x25519_mlkem768) groups[0] = &x25519_mlkem768;
        for (const auto& c : chain) chain_views.emplace_back(c);
        host::private_key key;
        std::string error;
        if (!host::load_private_key(vector_path(setup.key), key, error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return;
        }
        if (chain.size() != 2 || roots.empty() || store.add(roots[0]) != carapace::errc::ok) return;
        tls::signer* signer = nullptr;
        if (key.type == carapace::x509::key_type::ed25519) {
            signer = &ed25519_signer.emplace(key.key().first<32>());
        } else if (key.type == carapace::x509::key_type::ec_p256) {
            const auto k = carapace::ecdsa_private_key<carapace::p256>::from_scalar(key.key().first<32>());
            if (!k) return;
            signer = &p256_signer.emplace(*k, random);
        } else if (key.type == carapace::x509::key_type::rsa) {
            const auto k = carapace::rsa_private_key<2048>::from_pkcs1_der(key.rsa_der);
            if (!k) return;
            signer = &rsa_signer.emplace(*k, random);
        } else {
            return;
        }
        verifier.emplace(store);
        for (tls::common_config* c : {static_cast<tls::common_config*>(&client_config),
                                      static_cast<tls::common_config*>(&server_config)}) {
            c->cipher_suites = suite;
            c->key_exchanges = groups;
            c->groups = group_names;
            c->random = &random;
            c->clock = &clock;
            c->verifier = &*verifier;
            c->buffers = pool.get();
        }
        client_config.server_name = "localhost";
        server_config.certificate_chain = chain_views;
        server_config.signer = signer;
        ok = true;
    }

    // Feeds `input` to an engine until it is all taken and the engine waits for more; its output is
    // appended to `output` at `produced`. False on a failure; `complete` when the handshake ended.
    template <class Engine>
    static bool feed(Engine& e, carapace::byte_span input, byte_vector& output, std::size_t& produced,
                     bool& complete) {
        std::size_t taken = 0;
        for (;;) {
            const auto r = e.receive(input.subspan(taken), carapace::byte_span(output).subspan(produced));
            taken += r.consumed;
            produced += r.produced;
            if (r.what == tls::event::fatal || r.what == tls::event::need_output_space) return false;
            if (r.what == tls::event::handshake_complete) complete = true;
            if (r.what == tls::event::need_input && taken == input.size()) return true;
        }
    }

    // One full handshake between fresh engines. True when both sides completed.
    bool handshake() {
        client_type& c = client->emplace(client_config);
        server_type& s = server->emplace(server_config);
        std::size_t to_server_size = c.start(to_server).produced, to_client_size = 0;
        bool client_done = false, server_done = false;
        for (int flight = 0; flight < 4 && !(client_done && server_done); ++flight) {
            to_client_size = 0;
            if (!feed(s, carapace::byte_span(to_server).first(to_server_size), to_client, to_client_size, server_done))
                return false;
            to_server_size = 0;
            if (!feed(c, carapace::byte_span(to_client).first(to_client_size), to_server, to_server_size, client_done))
                return false;
        }
        return client_done && server_done && c.negotiated_suite() == suite[0] && s.negotiated_suite() == suite[0] &&
               (!resuming || (c.resumed() && s.resumed() && tickets.size() == 1));
    }

    // From here on each handshake resumes with `mode`; one full handshake primes the first ticket.
    bool resume_with(tls::psk_mode mode) {
        psk_modes[0] = mode;
        random.fill(ticket_keys[0].key);
        for (tls::common_config* c : {static_cast<tls::common_config*>(&client_config),
                                      static_cast<tls::common_config*>(&server_config)})
            c->psk_modes = psk_modes;
        server_config.ticket_keys = ticket_keys;
        server_config.tickets_after_handshake = 1;
        client_config.tickets = &tickets;
        if (!handshake() || tickets.size() != 1) return false;
        resuming = true;
        return handshake() && (mode == tls::psk_mode::psk_ke) == (client->value().negotiated_group() == tls::named_group{});
    }

    // One 16 KiB record from the client to the server; returns the first plaintext byte received.
    std::uint8_t transfer(carapace::byte_view data) {
        const auto sent = client->value().send(data, to_server);
        const auto r = server->value().receive(carapace::byte_span(to_server).first(sent.produced), scratch);
        return r.what == tls::event::app_data && r.data.size() == data.size() ? r.data[0] : 0;
    }
};

#if CARAPACE_BENCH_OPENSSL
const char* openssl_suite_name(tls::cipher_suite s) {
    switch (s) {
        case tls::cipher_suite::aes_128_gcm_sha256: return "TLS_AES_128_GCM_SHA256";
        case tls::cipher_suite::aes_256_gcm_sha384: return "TLS_AES_256_GCM_SHA384";
        case tls::cipher_suite::chacha20_poly1305_sha256: return "TLS_CHACHA20_POLY1305_SHA256";
        case tls::cipher_suite::aes_128_ccm_sha256: return "TLS_AES_128_CCM_SHA256";
        case tls::cipher_suite::aes_128_ccm_8_sha256: return "TLS_AES_128_CCM_8_SHA256";
    }
    return "";
}

// SSL_CTXs made once; each handshake makes two SSL objects and a BIO pair.
struct openssl_side {
    SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX* server_ctx = SSL_CTX_new(TLS_server_method());
    SSL* client = nullptr;
    SSL* server = nullptr;
    const char* suite;
    bool ok = false;
    static constexpr std::size_t bio_size = 4 * (record_payload + 256);
    byte_vector received = byte_vector(record_payload);

    SSL_SESSION* session = nullptr;  // resumption rows: the ticket of the connection before
    bool resuming = false;

    openssl_side(tls::cipher_suite s, const bench_setup& setup, bool resume = false)
        : suite(openssl_suite_name(s)), resuming(resume) {
        if (client_ctx == nullptr || server_ctx == nullptr) return;
        bool good = true;
        for (SSL_CTX* ctx : {client_ctx, server_ctx}) {
            good = good && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
                   SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
                   SSL_CTX_set_ciphersuites(ctx, suite) == 1 && SSL_CTX_set1_groups_list(ctx, setup.openssl_group) == 1;
            if (!resume) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
            SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        }
        good = good && SSL_CTX_set_num_tickets(server_ctx, resume ? 1 : 0) == 1 &&
               SSL_CTX_use_certificate_chain_file(server_ctx, vector_path(setup.chain).c_str()) == 1 &&
               SSL_CTX_use_PrivateKey_file(server_ctx, vector_path(setup.key).c_str(), SSL_FILETYPE_PEM) == 1 &&
               SSL_CTX_check_private_key(server_ctx) == 1 &&
               SSL_CTX_load_verify_locations(client_ctx, vector_path(setup.root).c_str(), nullptr) == 1;
        SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, nullptr);
        X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(client_ctx), static_cast<time_t>(validation_time));
        ok = good;
    }
    ~openssl_side() {
        drop();
        SSL_SESSION_free(session);
        SSL_CTX_free(client_ctx);
        SSL_CTX_free(server_ctx);
    }
    openssl_side(const openssl_side&) = delete;
    openssl_side& operator=(const openssl_side&) = delete;

    void drop() {
        // Freed without a shutdown, an SSL marks its session not resumable (ssl_clear_bad_session).
        if (client != nullptr && resuming) SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(client);
        SSL_free(server);
        client = server = nullptr;
    }

    static bool progressing(SSL* ssl, int rc) {
        if (rc == 1) return true;
        const int e = SSL_get_error(ssl, rc);
        return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
    }

    bool handshake() {
        drop();
        client = SSL_new(client_ctx);
        server = SSL_new(server_ctx);
        BIO* client_bio = nullptr;
        BIO* server_bio = nullptr;
        if (client == nullptr || server == nullptr || BIO_new_bio_pair(&client_bio, bio_size, &server_bio, bio_size) != 1)
            return false;
        SSL_set_bio(client, client_bio, client_bio);
        SSL_set_bio(server, server_bio, server_bio);
        SSL_set_connect_state(client);
        SSL_set_accept_state(server);
        if (session != nullptr && SSL_set_session(client, session) != 1) return false;
        static char host[] = "localhost";  // SSL_set_tlsext_host_name without its C cast
        if (SSL_ctrl(client, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host) != 1 ||
            SSL_set1_host(client, host) != 1)
            return false;
        int c = 0, s = 0;
        for (int flight = 0; flight < 8 && (c != 1 || s != 1); ++flight) {
            if (c != 1 && !progressing(client, c = SSL_do_handshake(client))) return false;
            if (s != 1 && !progressing(server, s = SSL_do_handshake(server))) return false;
        }
        const bool done = c == 1 && s == 1 && SSL_get_verify_result(client) == X509_V_OK &&
                          std::strcmp(SSL_CIPHER_standard_name(SSL_get_current_cipher(client)), suite) == 0;
        if (!done || !resuming) return done;
        // The server's ticket waits in the BIO: the client reads it, and the next handshake offers it.
        const bool resumed = session == nullptr || SSL_session_reused(client) == 1;
        unsigned char byte = 0;
        if (SSL_read(client, &byte, 1) > 0) return false;
        SSL_SESSION_free(session);
        session = SSL_get1_session(client);
        return resumed && session != nullptr && SSL_SESSION_is_resumable(session) == 1;
    }

    std::uint8_t transfer(carapace::byte_view data) {
        if (SSL_write(client, data.data(), static_cast<int>(data.size())) != static_cast<int>(data.size())) return 0;
        return SSL_read(server, received.data(), static_cast<int>(received.size())) ==
                       static_cast<int>(data.size())
                   ? received[0]
                   : 0;
    }
};
#endif

// The fastest single handshake of many on each side, alternating sides, in microseconds: a busy
// shared machine disturbs it far less than a rate (preemption only ever makes one slower).
struct fastest {
    std::string what;
    double ours_us = 0, peer_us = 0;
};
std::vector<fastest> fastest_rows;

template <class Op>
double fastest_us(Op&& op, int runs) {
    using clock = std::chrono::steady_clock;
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = clock::now();
        carapace_speed::sink = static_cast<std::uint8_t>(carapace_speed::sink ^ op());
        best = std::min(best, std::chrono::duration<double, std::micro>(clock::now() - start).count());
    }
    return best;
}

template <class Ours, class Peer>
void fastest_of(const std::string& what, Ours&& ours, Peer&& peer) {
    fastest f{what};
    const int runs = carapace_bench::rounds > 1 ? 100 : 3;
    for (int r = 0; r < 3; ++r) {
        const double o = fastest_us(ours, runs);
        f.ours_us = r == 0 ? o : std::min(f.ours_us, o);
        if constexpr (!std::is_same_v<std::decay_t<Peer>, std::nullptr_t>) {
            const double p = fastest_us(peer, runs);
            f.peer_us = r == 0 ? p : std::min(f.peer_us, p);
        }
    }
    fastest_rows.push_back(f);
}

const char* suite_label(tls::cipher_suite s) {
    switch (s) {
        case tls::cipher_suite::aes_128_gcm_sha256: return "AES_128_GCM_SHA256";
        case tls::cipher_suite::aes_256_gcm_sha384: return "AES_256_GCM_SHA384";
        case tls::cipher_suite::chacha20_poly1305_sha256: return "CHACHA20_POLY1305_SHA256";
        case tls::cipher_suite::aes_128_ccm_sha256: return "AES_128_CCM_SHA256";
        case tls::cipher_suite::aes_128_ccm_8_sha256: return "AES_128_CCM_8_SHA256";
    }
    return "?";
}

// The rows of one suite; Peer* callables may be nullptr (nothing to compare with). Each side's
// last handshake leaves a connected pair, which the transfer row then uses (none when the row is
// about the handshake alone: the records do not depend on the chain or the group).
template <class OursHandshake, class OursTransfer, class PeerHandshake, class PeerTransfer>
void rows(const std::string& name, bool transfer, OursHandshake&& ours_handshake, OursTransfer&& ours_transfer,
          PeerHandshake&& peer_handshake, PeerTransfer&& peer_transfer) {
    if (carapace_bench::wanted("full handshake " + name)) {
        report("full handshake " + name, "hs/s", 1, best_of(ours_handshake, peer_handshake));
        fastest_of("full handshake " + name, ours_handshake, peer_handshake);
    }
    if (transfer && carapace_bench::wanted("16 KiB records " + name)) report("16 KiB records " + name, "MB/s", record_payload / 1e6, best_of(ours_transfer, peer_transfer));
}

template <tls::buffering Buffers>
bool bench_suite(tls::cipher_suite suite, const bench_setup& setup = ed25519_x25519, bool transfer = true) {
    const std::string name = std::string(suite_label(suite)) + setup.label +
                             (Buffers == tls::buffering::lent ? " (lent buffers)" : "");
    byte_vector data(record_payload);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 131 + 1);
    carapace_side<Buffers> ours(suite, setup);
    if (!ours.ok || !ours.handshake() || ours.transfer(data) != data[0]) {
        std::printf("%s: carapace handshake or transfer failed\n", name.c_str());
        return false;
    }
    auto ours_handshake = [&] { return static_cast<std::uint8_t>(ours.handshake()); };
    auto ours_transfer = [&] { return ours.transfer(data); };
#if CARAPACE_BENCH_OPENSSL
    openssl_side peer(suite, setup);
    if (peer.ok && peer.handshake() && peer.transfer(data) == data[0]) {
        rows(name, transfer, ours_handshake, ours_transfer, [&] { return static_cast<std::uint8_t>(peer.handshake()); },
             [&] { return peer.transfer(data); });
        return true;
    }
    std::printf("%s: OpenSSL handshake or transfer failed; carapace measured alone\n", name.c_str());
    ERR_print_errors_fp(stdout);
#endif
    rows(name, transfer, ours_handshake, ours_transfer, nullptr, nullptr);
    return true;
}

// Resumed handshakes with `mode`, against OpenSSL's psk_dhe_ke resumption.
bool bench_resumption(tls::cipher_suite suite, tls::psk_mode mode) {
    const std::string name = std::string("resumed handshake ") + suite_label(suite) +
                             (mode == tls::psk_mode::psk_ke ? ", psk_ke (OpenSSL: psk_dhe_ke)" : ", psk_dhe_ke");
    if (!carapace_bench::wanted(name)) return true;
    carapace_side<tls::buffering::owned> ours(suite, ed25519_x25519);
    if (!ours.ok || !ours.resume_with(mode)) {
        std::printf("%s: carapace resumption failed\n", name.c_str());
        return false;
    }
    auto ours_handshake = [&] { return static_cast<std::uint8_t>(ours.handshake()); };
#if CARAPACE_BENCH_OPENSSL
    openssl_side peer(suite, ed25519_x25519, true);
    if (peer.ok && peer.handshake() && peer.handshake()) {
        auto peer_handshake = [&] { return static_cast<std::uint8_t>(peer.handshake()); };
        report(name, "hs/s", 1, best_of(ours_handshake, peer_handshake));
        fastest_of(name, ours_handshake, peer_handshake);
        return true;
    }
    std::printf("%s: OpenSSL resumption failed; carapace measured alone\n", name.c_str());
    ERR_print_errors_fp(stdout);
#endif
    report(name, "hs/s", 1, best_of(ours_handshake, nullptr));
    fastest_of(name, ours_handshake, nullptr);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (!carapace_bench::begin(argc, argv, "bench-tls")) return 2;
    std::printf("(X25519 and Ed25519 on the %s engine)\n", carapace::detail::curve25519_dispatch::chosen_name());
    bool ok = true;
    for (const auto suite : tls::default_cipher_suites) {
        ok = bench_suite<tls::buffering::owned>(suite) && ok;
        ok = bench_suite<tls::buffering::lent>(suite) && ok;
    }
    for (const bench_setup* setup : {&ecdsa_p256_chain, &rsa_2048_chain, &secp256r1_group, &x25519_mlkem768_group})
        ok = bench_suite<tls::buffering::owned>(tls::cipher_suite::aes_128_gcm_sha256, *setup, false) && ok;
    for (const auto mode : {tls::psk_mode::psk_dhe_ke, tls::psk_mode::psk_ke})
        ok = bench_resumption(tls::cipher_suite::aes_128_gcm_sha256, mode) && ok;
    std::printf("\nfastest single handshake (microseconds; ratio = OpenSSL time / carapace time)\n");
    double x25519_us = 0, hybrid_us = 0;
    for (const auto& f : fastest_rows) {
        if (f.peer_us > 0)
            std::printf("%-52s %12.1f %12.1f %8.2fx\n", f.what.c_str(), f.ours_us, f.peer_us, f.peer_us / f.ours_us);
        else
            std::printf("%-52s %12.1f %12s %9s\n", f.what.c_str(), f.ours_us, "-", "-");
        const std::string base = std::string("full handshake ") + suite_label(tls::cipher_suite::aes_128_gcm_sha256);
        if (f.what == base) x25519_us = f.ours_us;
        if (f.what == base + x25519_mlkem768_group.label) hybrid_us = f.ours_us;
    }
    if (x25519_us > 0 && hybrid_us > 0)
        std::printf("X25519MLKEM768 / X25519 full handshake (carapace, fastest single): %.2fx\n", hybrid_us / x25519_us);
    std::printf("\nsizes (bytes): tls::client %zu, tls::server %zu (record buffer %zu, handshake buffers %zu and %zu)\n",
                sizeof(tls::client), sizeof(tls::server), tls::client::record_buffer_size,
                tls::client::handshake_buffer_size, tls::server::handshake_buffer_size);
    std::printf("lent buffers: tls::lent_client %zu, tls::lent_server %zu when established; blocks borrowed during a "
                "handshake %zu and %zu\n",
                sizeof(tls::lent_client), sizeof(tls::lent_server), tls::lent_client::storage_block_size,
                tls::lent_server::storage_block_size);
    return ok ? 0 : 1;
}
