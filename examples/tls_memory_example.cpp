// The engine does no I/O, so any transport works: here a client and a server in one process talk
// through two byte queues. Each side is driven the same way: give it what arrived, move what it
// produced to the other side, react to the event.
//   tls-memory-example [PKI_DIR]      (default: tests/vectors/tls, the test PKI)
#include <cstdio>
#include <string>
#include <vector>

#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "host/clock.hpp"
#include "host/pem_files.hpp"
#include "host/random.hpp"

using namespace carapace;
using queue = std::vector<std::uint8_t>;

// Feeds `in` to an engine until it needs more; appends its output to `out`; hands each event to
// `react`, which may itself write into `out`. Returns false when the connection failed.
template <class Engine, class React>
bool deliver(Engine& engine, queue& in, queue& out, React&& react) {
    static std::uint8_t buffer[65536];
    for (;;) {
        const tls::io_result r = engine.receive(in, buffer);
        out.insert(out.end(), buffer, buffer + r.produced);
        in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(r.consumed));
        if (r.what == tls::event::need_input) return true;
        if (r.what == tls::event::fatal) return std::printf("failed: %s\n", tls::to_string(r.alert).data()), false;
        react(r);
        if (r.what == tls::event::peer_closed) return true;
    }
}

// Runs a call that only writes (send, close) and queues what it produced.
template <class Call>
void write(queue& out, Call&& call) {
    static std::uint8_t buffer[65536];
    const tls::io_result r = call(byte_span(buffer));
    out.insert(out.end(), buffer, buffer + r.produced);
}

int main(int argc, char** argv) {
    const std::string pki = argc > 1 ? argv[1] : "tests/vectors/tls";
    // Files and randomness come from support/host: the library itself does no I/O.
    std::vector<host::der_bytes> chain, roots;
    bytes<32> seed{};
    std::string error;
    if (!host::load_certificate_chain(pki + "/server.pem", chain, error) ||
        !host::load_certificate_chain(pki + "/root.pem", roots, error) ||
        !host::load_ed25519_private_key(pki + "/server.key", seed, error))
        return std::printf("%s\n", error.c_str()), 2;
    const std::vector<byte_view> chain_views(chain.begin(), chain.end());
    static x509::trust_store<1> store;
    if (store.add(roots[0]) != errc::ok) return 2;

    tls::x25519_mlkem768_key_exchange x25519_mlkem768;  // the default groups: this hybrid, then X25519
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519_mlkem768, &x25519};
    tls::x509_verifier<1> verifier(store);
    tls::ed25519_signer signer(seed);
    host::getrandom_source random;
    host::system_clock clock;

    tls::client_config client_config;
    client_config.server_name = "localhost";
    client_config.key_exchanges = groups;
    client_config.verifier = &verifier;
    client_config.random = &random;
    client_config.clock = &clock;
    tls::server_config server_config;
    server_config.certificate_chain = chain_views;
    server_config.signer = &signer;
    server_config.key_exchanges = groups;
    server_config.random = &random;
    server_config.clock = &clock;
    static tls::client client(client_config);
    static tls::server server(server_config);

    queue to_server, to_client;
    write(to_server, [&](byte_span out) { return client.start(out); });
    const auto message = literal_bytes("ping over memory");
    bool done = false;
    while (!done && !(to_server.empty() && to_client.empty())) {
        const bool server_ok = deliver(server, to_server, to_client, [&](const tls::io_result& r) {
            if (r.what == tls::event::app_data)  // echo
                write(to_client, [&](byte_span out) { return server.send(r.data, out); });
            if (r.what == tls::event::peer_closed) write(to_client, [&](byte_span out) { return server.close(out); });
        });
        const bool client_ok = deliver(client, to_client, to_server, [&](const tls::io_result& r) {
            if (r.what == tls::event::handshake_complete) {
                std::printf("handshake complete: %s\n", tls::to_string(client.negotiated_suite()).data());
                write(to_server, [&](byte_span out) { return client.send(message, out); });
            }
            if (r.what == tls::event::app_data) {
                std::printf("echoed: %.*s\n", static_cast<int>(r.data.size()), reinterpret_cast<const char*>(r.data.data()));
                write(to_server, [&](byte_span out) { return client.close(out); });
            }
            if (r.what == tls::event::peer_closed) done = true;
        });
        if (!server_ok || !client_ok) return 1;
    }
    std::printf(done ? "closed cleanly\n" : "stalled\n");
    return done ? 0 : 1;
}
