// A TLS client or server engine fed arbitrary peer bytes, in arbitrary splits, from the start or
// after a real ClientHello / ServerHello made by the other engine in the same process. Nothing
// may crash; the engine's own promises must hold: it never takes more input or writes more
// output than it was given room for, and once failed it stays failed.
//   data[0]: bit 0 picks the role (0 server, 1 client), bit 1 a real first flight before the fuzz
//   bytes, bit 2 a server that asks for a client certificate, bit 3 engines with lent buffers
//   (records opened in the input, handshake storage from a pool that must get every block back),
//   bit 4 the NIST groups first (a secp256r1 share from the client, secp256r1 preferred by the
//   server, secp384r1 and x25519 also offered), so that fuzz bytes reach the point checks;
//   data[1]: the largest input piece per call (0: all at once).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/tls/buffer_pool.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/server.hpp"
#include "tls_stand_ins.hpp"

namespace {

using namespace carapace;

using fuzz_support::accept_all;
using fuzz_support::counter_random;

using lent_pool = tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 2>;

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

// One run of a role against the fuzz bytes; with lent buffers every block must come back.
template <class Client, class Server>
void run(const std::uint8_t* data, byte_view fuzz, tls::client_config& cc, tls::server_config& sc) {
    const bool client_role = (data[0] & 1) != 0, real_prefix = (data[0] & 2) != 0;
    const std::size_t piece = data[1];
    static lent_pool pool;
    cc.buffers = &pool;
    sc.buffers = &pool;
    {
        Client client(cc);
        Server server(sc);
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
            feed(client, input, piece);
        } else {
            if (real_prefix)
                input.assign(first_flight.begin(), first_flight.begin() + static_cast<std::ptrdiff_t>(hello.produced));
            input.insert(input.end(), fuzz.begin(), fuzz.end());
            feed(server, input, piece);
        }
    }
    if (pool.in_use() != 0) std::abort();  // a block was not returned
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const byte_view fuzz(data + 2, size - 2);

    static const bytes<32> seed{};
    static tls::ed25519_signer signer(seed);
    static const std::uint8_t certificate[] = {0x30, 0x03, 0x02, 0x01, 0x01};  // not parsed by a server
    static const byte_view chain[1] = {certificate};
    static tls::x25519_key_exchange x25519;
    static tls::key_exchange* groups[1] = {&x25519};
    static tls::p256_key_exchange p256;
    static tls::p384_key_exchange p384;
    static tls::key_exchange* nist_groups[3] = {&p256, &x25519, &p384};
    static const tls::named_group nist_names[3] = {tls::named_group::secp256r1, tls::named_group::x25519,
                                                   tls::named_group::secp384r1};
    static accept_all verifier;
    counter_random client_random, server_random;

    tls::client_config cc;
    cc.server_name = "fuzz.example";
    cc.key_exchanges = groups;
    cc.verifier = &verifier;
    cc.random = &client_random;
    tls::server_config sc;
    sc.certificate_chain = chain;
    sc.signer = &signer;
    sc.key_exchanges = groups;
    sc.random = &server_random;
    sc.verifier = &verifier;
    sc.request_client_certificate = (data[0] & 4) != 0;
    if ((data[0] & 16) != 0) {
        cc.key_exchanges = sc.key_exchanges = nist_groups;
        cc.groups = sc.groups = nist_names;
    }

    if ((data[0] & 8) != 0)
        run<tls::lent_client, tls::lent_server>(data, fuzz, cc, sc);
    else
        run<tls::client, tls::server>(data, fuzz, cc, sc);
    return 0;
}
