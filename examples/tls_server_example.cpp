// A TLS 1.3 echo server over a blocking socket: one connection; what the client sends comes back;
// it closes when the client does. Same driving loop as the client example.
//   tls-server-example PORT CHAIN.pem KEY.pem      (PORT 0: any free port; the port is printed)
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "host/clock.hpp"
#include "host/pem_files.hpp"
#include "host/random.hpp"

using namespace carapace;

static bool send_all(int fd, const std::uint8_t* data, std::size_t size) {
    for (ssize_t n = 0; size > 0; data += n, size -= static_cast<std::size_t>(n))
        if ((n = send(fd, data, size, MSG_NOSIGNAL)) <= 0) return false;
    return true;
}

int main(int argc, char** argv) {
    if (argc != 4) return std::fprintf(stderr, "usage: %s PORT CHAIN.pem KEY.pem\n", argv[0]), 2;
    // Files and randomness come from support/host: the library itself does no I/O.
    std::vector<host::der_bytes> chain;
    bytes<32> seed{};
    std::string error;
    if (!host::load_certificate_chain(argv[2], chain, error) || !host::load_ed25519_private_key(argv[3], seed, error))
        return std::fprintf(stderr, "%s\n", error.c_str()), 2;
    const std::vector<byte_view> chain_views(chain.begin(), chain.end());

    tls::x25519_mlkem768_key_exchange x25519_mlkem768;  // the default groups: this hybrid, then X25519
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519_mlkem768, &x25519};
    tls::ed25519_signer signer(seed);  // signs our CertificateVerify
    host::getrandom_source random;
    host::system_clock clock;
    tls::server_config config;
    config.certificate_chain = chain_views;
    config.signer = &signer;
    config.key_exchanges = groups;
    config.random = &random;
    config.clock = &clock;
    static tls::server server(config);

    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), size) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return std::perror("listen"), 1;
    std::printf("listening on port %u\n", ntohs(address.sin_port));
    std::fflush(stdout);
    const int fd = accept(listener, nullptr, nullptr);
    close(listener);

    static std::uint8_t in[16384], out[65536];
    std::size_t have = 0;
    tls::io_result r;  // need_input: the server speaks second
    for (;;) {
        if (!send_all(fd, out, r.produced)) return std::perror("send"), 1;
        have -= r.consumed;
        std::memmove(in, in + r.consumed, have);
        switch (r.what) {
            case tls::event::handshake_complete:
                std::fprintf(stderr, "connected: %s\n", tls::to_string(server.negotiated_suite()).data());
                break;
            case tls::event::app_data:
                // Echo. r.data is valid until the next call; send() may take part of it per call.
                for (byte_view rest = r.data; !rest.empty();) {
                    const auto sent = server.send(rest, out);
                    if (sent.what == tls::event::fatal || !send_all(fd, out, sent.produced)) return 1;
                    rest = rest.subspan(sent.consumed);
                }
                break;
            case tls::event::peer_closed: {
                const auto closed = server.close(out);
                send_all(fd, out, closed.produced);
                close(fd);
                return 0;
            }
            case tls::event::fatal:
                std::fprintf(stderr, "TLS failed: %s\n", tls::to_string(r.alert).data());
                return 1;
            case tls::event::need_input: {
                const ssize_t n = recv(fd, in + have, sizeof in - have, 0);
                if (n <= 0) return std::fprintf(stderr, "connection closed\n"), 1;
                have += static_cast<std::size_t>(n);
                break;
            }
            default: break;
        }
        r = server.receive(byte_view(in, have), out);
    }
}
