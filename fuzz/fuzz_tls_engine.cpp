// A TLS client or server engine fed arbitrary peer bytes, in arbitrary splits, from the start or
// after a real ClientHello / ServerHello made by the other engine in the same process. Nothing
// may crash; the engine's own promises must hold: it never takes more input or writes more
// output than it was given room for, and once failed it stays failed.
//   data[0]: bit 0 picks the role (0 server, 1 client), bit 1 a real first flight before the fuzz
//   bytes, bit 2 a server that asks for a client certificate, bit 3 engines with lent buffers
//   (records opened in the input, handshake storage from a pool that must get every block back),
//   bit 4 the NIST groups first (a secp256r1 share from the client, secp256r1 preferred by the
//   server, secp384r1 and x25519 also offered), so that fuzz bytes reach the point checks;
//   bit 5 resumption with 0-RTT: the engines first complete a full handshake that leaves the
//   client a ticket (fixed clock, the same replayable randomness), then the fed engine is a
//   server with the ticket key and a replay recorder, taking 1024 bytes of early data, or a
//   client that offered the ticket and sent early data; the real first flight of bit 1 is then
//   the resuming ClientHello with its early data record, or the server's answer to it. So the
//   fuzz bytes reach ticket opening, binder checks, early data records, EndOfEarlyData and
//   early_data_accepted / rejected (tls_engine_seeds.cpp writes the real streams as seeds);
//   bit 6, with bit 5, a server without a replay recorder, which declines early data and skips
//   the records it cannot open;
//   data[1]: the largest input piece per call (0: all at once).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "tls_engine_pair.hpp"

namespace {

using namespace carapace;
using namespace fuzz_support;

// Feeds `input` as it arrives in pieces of at most `piece` bytes (0: all), what the engine left
// offered again with the next piece, checking the engine's promises.
template <class Engine>
void feed(Engine& engine, byte_span input, std::size_t piece) {
    static std::vector<std::uint8_t> out(1 << 16);
    bool failed = false;
    std::size_t off = 0, offered = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        const std::size_t left = input.size() - off;
        const std::size_t n = piece == 0 ? left : std::min(left, offered + piece);
        const auto r = engine.receive(input.subspan(off, n), out);
        if (r.consumed > n || r.produced > out.size()) std::abort();
        if (failed && (r.what != tls::event::fatal || r.consumed != 0 || r.produced != 0)) std::abort();
        off += r.consumed;
        offered = n - r.consumed;
        if (r.what == tls::event::fatal) {
            if (failed) return;
            failed = true;
            continue;  // once more: it must stay failed
        }
        if (r.what == tls::event::peer_closed || r.what == tls::event::need_output_space) return;
        if (r.what == tls::event::need_input && off == input.size()) return;
        if (r.what == tls::event::need_input && r.consumed == 0) {
            // Only lent buffers leave a partial record unconsumed, and only at the end of what
            // was offered: more of it must arrive.
            if (Engine::buffers == tls::buffering::owned || offered > tls::detail::max_record_size) std::abort();
            if (n == left) return;
        }
    }
}

// The first record of a stream, if it holds a whole one.
std::vector<std::uint8_t> first_record(const std::vector<std::uint8_t>& stream) {
    if (stream.size() < 5) return {};
    const std::size_t size = 5 + (static_cast<std::size_t>(stream[3]) << 8 | stream[4]);
    if (stream.size() < size) return {};
    return std::vector<std::uint8_t>(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(size));
}

// The fed engine after a full handshake left the client a ticket: a server (after the resuming
// ClientHello and its early data, with bit 1) or a client that offered the ticket and early data
// (after the server's real ServerHello, with bit 1).
template <class Client, class Server>
void run_resumed(const std::uint8_t* data, byte_view fuzz, engine_setup& s) {
    const bool client_role = (data[0] & mode_client) != 0, real_prefix = (data[0] & mode_real_prefix) != 0;
    // The full handshake cannot fail: it involves no fuzz bytes.
    if (!first_handshake<Client, Server>(s)) std::abort();
    Client client(s.cc);
    Server server(s.sc);
    std::vector<std::uint8_t> flight = start_with_early_data(client), input;
    if (client.max_early_data() != server_early_limit) std::abort();  // the ticket allows 0-RTT
    if (client_role) {
        if (real_prefix) {
            std::vector<std::uint8_t> answer;
            (void)exchange(server, flight, answer);
            input = first_record(answer);
        }
        input.insert(input.end(), fuzz.begin(), fuzz.end());
        feed(client, input, data[1]);
    } else {
        if (real_prefix) input = flight;
        input.insert(input.end(), fuzz.begin(), fuzz.end());
        feed(server, input, data[1]);
    }
}

// The fed engine from the start, or after the other's real first flight.
template <class Client, class Server>
void run_fresh(const std::uint8_t* data, byte_view fuzz, engine_setup& s) {
    const bool client_role = (data[0] & mode_client) != 0, real_prefix = (data[0] & mode_real_prefix) != 0;
    Client client(s.cc);
    Server server(s.sc);
    static std::vector<std::uint8_t> out(1 << 16), first_flight(1 << 16), input;
    const auto hello = client.start(first_flight);
    input.clear();
    if (client_role) {
        if (real_prefix) {
            // The server's real ServerHello record first, then the fuzz bytes.
            const auto flight = server.receive(byte_span(first_flight).first(hello.produced), out);
            const std::size_t first = 5 + (static_cast<std::size_t>(out[3]) << 8 | out[4]);
            if (flight.produced >= first) input.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(first));
        }
        input.insert(input.end(), fuzz.begin(), fuzz.end());
        feed(client, input, data[1]);
    } else {
        if (real_prefix)
            input.assign(first_flight.begin(), first_flight.begin() + static_cast<std::ptrdiff_t>(hello.produced));
        input.insert(input.end(), fuzz.begin(), fuzz.end());
        feed(server, input, data[1]);
    }
}

// One run of a role against the fuzz bytes; with lent buffers every block must come back.
template <class Client, class Server>
void run(const std::uint8_t* data, byte_view fuzz, engine_setup& s) {
    static lent_pool pool;
    s.cc.buffers = &pool;
    s.sc.buffers = &pool;
    if ((data[0] & mode_resumed) != 0)
        run_resumed<Client, Server>(data, fuzz, s);
    else
        run_fresh<Client, Server>(data, fuzz, s);
    if (pool.in_use() != 0) std::abort();  // a block was not returned
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const byte_view fuzz(data + 2, size - 2);
    engine_setup s(data[0]);
    if ((data[0] & mode_lent) != 0)
        run<tls::lent_client, tls::lent_server>(data, fuzz, s);
    else
        run<tls::client, tls::server>(data, fuzz, s);
    return 0;
}
