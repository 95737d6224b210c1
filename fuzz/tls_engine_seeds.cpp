// Writes the resumption and 0-RTT seeds of fuzz_tls_engine.cpp (mode bit 5): the byte streams of
// a real resumed handshake with early data between the target's own engines, made exactly as the
// target makes them (tls_engine_pair.hpp), so that binders, tickets and record protection in the
// seeds are valid when the target replays them. Each stream goes out whole (fed from the start)
// and without its first flight (behind the target's real prefix, bit 1).
//   usage: tls_engine_seeds DIRECTORY      (make_seeds.py tls_resumed builds and runs it)
#include <cstdio>
#include <string>
#include <vector>

#include "tls_engine_pair.hpp"

namespace {

using namespace carapace;
using namespace fuzz_support;

using stream = std::vector<std::uint8_t>;

bool write_seed(const std::string& folder, const std::string& name, std::uint8_t mode, std::uint8_t piece,
                const stream& bytes, std::size_t skip) {
    std::FILE* f = std::fopen((folder + "/" + name).c_str(), "wb");
    if (f == nullptr) return false;
    const std::uint8_t head[2] = {mode, piece};
    bool ok = std::fwrite(head, 1, 2, f) == 2;
    ok = ok && std::fwrite(bytes.data() + skip, 1, bytes.size() - skip, f) == bytes.size() - skip;
    return std::fclose(f) == 0 && ok;
}

// Sends `text` from one engine, and lets the other take it; both streams grow.
template <class From, class To>
bool send_across(From& from, To& to, const char* text, stream& from_stream, stream& to_stream) {
    stream out(1 << 12), pending;
    const auto r = from.send(byte_view(reinterpret_cast<const std::uint8_t*>(text), std::char_traits<char>::length(text)), out);
    if (r.what != tls::event::need_input) return false;
    from_stream.insert(from_stream.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    pending.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
    return exchange(to, pending, to_stream);
}

// The resumed handshake of `mode`, then a request and an answer in 1-RTT data.
// Null when all went as it should, else what did not.
template <class Client, class Server>
const char* resumed_streams(std::uint8_t mode, stream& from_client, stream& from_server, std::size_t& flight_size,
                            std::size_t& server_hello_size) {
    engine_setup s(mode);
    static lent_pool pool;
    s.cc.buffers = &pool;
    s.sc.buffers = &pool;
    if (!first_handshake<Client, Server>(s)) return "the full handshake left no ticket";
    Client client(s.cc);
    Server server(s.sc);
    from_client = start_with_early_data(client);
    flight_size = from_client.size();
    if (client.max_early_data() != server_early_limit) return "the ticket allows no early data";
    if (!run_pair(client, server, from_client, from_server)) return "the resumed handshake failed";
    if (!client.handshake_complete() || !server.handshake_complete()) return "the resumed handshake did not complete";
    if (!client.resumed() || !server.resumed()) return "the handshake did not resume";
    if (client.early_data_accepted() == ((mode & mode_decline_early) != 0)) return "early data not as the mode says";
    if (from_server.size() < 5) return "no ServerHello";
    server_hello_size = 5 + (static_cast<std::size_t>(from_server[3]) << 8 | from_server[4]);
    if (!send_across(client, server, "GET / HTTP/1.1\r\n\r\n", from_client, from_server) ||
        !send_across(server, client, "HTTP/1.1 204 No Content\r\n\r\n", from_server, from_client))
        return "1-RTT data did not cross";
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: tls_engine_seeds DIRECTORY\n");
        return 2;
    }
    const std::string folder = argv[1];
    struct variant {
        const char* name;
        std::uint8_t bits;
    };
    const variant variants[] = {{"", 0},           {"-declined", mode_decline_early}, {"-lent", mode_lent},
                                {"-lent-declined", mode_lent | mode_decline_early}, {"-nist", mode_nist},
                                {"-ask-certificate", mode_ask_certificate}};
    int written = 0;
    for (const auto& v : variants) {
        const std::uint8_t mode = mode_resumed | v.bits;
        stream from_client, from_server;
        std::size_t flight = 0, server_hello = 0;
        const char* failure =
            (mode & mode_lent) != 0
                ? resumed_streams<tls::lent_client, tls::lent_server>(mode, from_client, from_server, flight, server_hello)
                : resumed_streams<tls::client, tls::server>(mode, from_client, from_server, flight, server_hello);
        if (failure != nullptr) {
            std::fprintf(stderr, "mode %d: %s\n", mode, failure);
            return 1;
        }
        const std::string base = std::string("resumed-0rtt") + v.name;
        const bool all = write_seed(folder, base + "-to-server", mode, 0, from_client, 0) &&
                         write_seed(folder, base + "-to-server-after-hello", mode | mode_real_prefix, 0, from_client, flight) &&
                         write_seed(folder, base + "-to-server-pieces", mode, 7, from_client, 0) &&
                         write_seed(folder, base + "-to-client", mode | mode_client, 0, from_server, 0) &&
                         write_seed(folder, base + "-to-client-after-server-hello", mode | mode_client | mode_real_prefix, 0,
                                    from_server, server_hello) &&
                         write_seed(folder, base + "-to-client-pieces", mode | mode_client, 5, from_server, 0);
        if (!all) {
            std::fprintf(stderr, "cannot write into %s\n", folder.c_str());
            return 1;
        }
        written += 6;
    }
    std::printf("%d seeds\n", written);
    return 0;
}
