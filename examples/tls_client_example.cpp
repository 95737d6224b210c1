// A TLS 1.3 client over a blocking socket: connect, handshake, send a line, print what comes back
// until the server closes. The engine does no I/O: each call says what it took, what to send and
// what happened.
//   tls-client-example HOST PORT ROOTS.pem
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "host/clock.hpp"
#include "host/pem_files.hpp"
#include "host/random.hpp"

using namespace carapace;

static int connect_tcp(const char* host, const char* port) {
    addrinfo hints{}, *list = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &list) != 0) return -1;
    int fd = -1;
    for (addrinfo* a = list; a != nullptr && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    return fd;
}

static bool send_all(int fd, const std::uint8_t* data, std::size_t size) {
    for (ssize_t n = 0; size > 0; data += n, size -= static_cast<std::size_t>(n))
        if ((n = send(fd, data, size, MSG_NOSIGNAL)) <= 0) return false;
    return true;
}

int main(int argc, char** argv) {
    if (argc != 4) return std::fprintf(stderr, "usage: %s HOST PORT ROOTS.pem\n", argv[0]), 2;
    // Files and randomness come from support/host: the library itself does no I/O.
    std::vector<host::der_bytes> roots;
    std::string error;
    if (!host::load_certificate_chain(argv[3], roots, error)) return std::fprintf(stderr, "%s\n", error.c_str()), 2;
    static x509::trust_store<16> store;
    for (const auto& root : roots) (void)store.add(root);

    // The engine's helpers: ready-made X25519MLKEM768 and X25519, X.509 verification, system randomness and time.
    tls::x25519_mlkem768_key_exchange x25519_mlkem768;  // the default groups: this hybrid, then X25519
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519_mlkem768, &x25519};
    tls::x509_verifier<16> verifier(store);
    host::getrandom_source random;
    host::system_clock clock;
    tls::client_config config;
    config.server_name = argv[1];  // SNI, and the name the certificate must carry
    config.key_exchanges = groups;
    config.verifier = &verifier;
    config.random = &random;
    config.clock = &clock;
    static tls::client client(config);  // one fixed-size object, no heap

    const int fd = connect_tcp(argv[1], argv[2]);
    if (fd < 0) return std::fprintf(stderr, "cannot connect to %s:%s\n", argv[1], argv[2]), 1;
    static std::uint8_t in[16384], out[65536];
    std::size_t have = 0;
    auto r = client.start(out);  // the ClientHello
    for (;;) {
        if (!send_all(fd, out, r.produced)) return std::perror("send"), 1;  // always send what was produced
        have -= r.consumed;
        std::memmove(in, in + r.consumed, have);
        switch (r.what) {
            case tls::event::handshake_complete: {
                std::fprintf(stderr, "connected: %s\n", tls::to_string(client.negotiated_suite()).data());
                static const char line[] = "hello from the carapace client example\n";
                const auto sent = client.send(byte_view(reinterpret_cast<const std::uint8_t*>(line), sizeof line - 1), out);
                if (!send_all(fd, out, sent.produced)) return 1;
                const auto closed = client.close(out);  // close_notify: we have nothing more to say
                if (!send_all(fd, out, closed.produced)) return 1;
                break;
            }
            case tls::event::app_data: std::fwrite(r.data.data(), 1, r.data.size(), stdout); break;
            case tls::event::peer_closed: close(fd); return 0;
            case tls::event::fatal:
                std::fprintf(stderr, "TLS failed: %s\n", tls::to_string(r.alert).data());
                return 1;
            case tls::event::need_input: {
                const ssize_t n = recv(fd, in + have, sizeof in - have, 0);
                if (n <= 0) return std::fprintf(stderr, "connection closed\n"), 1;
                have += static_cast<std::size_t>(n);
                break;
            }
            default: break;  // key_update: already answered in `out`
        }
        r = client.receive(byte_view(in, have), out);
    }
}
