// The ML-KEM groups of tls/hybrid_key_exchanges.hpp: X25519MLKEM768, SecP256r1MLKEM768
// (draft-ietf-tls-ecdhe-mlkem) and MLKEM768 (draft-ietf-tls-mlkem). The shares and the combined
// secret recomputed from their parts with the same random bytes (which half comes first, and the
// sizes); malformed shares refused, alone and by the engines with illegal_parameter; handshakes
// over memory with every suite and input split, HelloRetryRequest to each group, the default
// groups, small records, lent buffers.
#include <doctest/doctest.h>

#if !defined(CARAPACE_NO_MLKEM)  // a build without the ML-KEM groups has nothing to test here

#include <algorithm>
#include <vector>

#include "carapace/kem/mlkem.hpp"
#include "carapace/tls/buffer_pool.hpp"
#include "support/tls_session.hpp"

namespace mlkem_groups_test {

using namespace carapace;
using namespace test_support;

constexpr tls::named_group x25519_mlkem = tls::named_group::x25519_mlkem768,
                           p256_mlkem = tls::named_group::secp256r1_mlkem768, mlkem = tls::named_group::mlkem768,
                           classical_x25519 = tls::named_group::x25519, classical_p256 = tls::named_group::secp256r1;

byte_vector cat(std::initializer_list<byte_view> parts) {
    byte_vector out;
    for (const auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// What one side of a group exchange produced: shares and secrets as bytes.
struct exchange_run {
    bytes<tls::max_key_exchange_state> state{};
    byte_vector client_share, server_share, server_secret, client_secret;
};

exchange_run run_exchange(tls::key_exchange& kx, std::uint64_t client_seed, std::uint64_t server_seed) {
    exchange_run r;
    test_random client_rng(client_seed), server_rng(server_seed);
    r.client_share.resize(kx.share_size());
    REQUIRE(kx.generate(client_rng, r.state, r.client_share) == errc::ok);
    r.server_share.resize(kx.response_size());
    bytes<tls::max_shared_secret_size> secret{};
    const std::size_t n = kx.respond(server_rng, r.client_share, r.server_share, secret);
    r.server_secret.assign(secret.begin(), secret.begin() + static_cast<std::ptrdiff_t>(n));
    bytes<tls::max_shared_secret_size> secret2{};
    const std::size_t m = kx.finish(r.state, r.server_share, secret2);
    r.client_secret.assign(secret2.begin(), secret2.begin() + static_cast<std::ptrdiff_t>(m));
    return r;
}

TEST_CASE("TLS ML-KEM groups: code points, names and share sizes") {
    tls::x25519_mlkem768_key_exchange a;
    tls::p256_mlkem768_key_exchange b;
    tls::mlkem768_key_exchange c;
    CHECK(static_cast<std::uint16_t>(a.group()) == 0x11ec);
    CHECK(static_cast<std::uint16_t>(b.group()) == 0x11eb);
    CHECK(static_cast<std::uint16_t>(c.group()) == 0x0201);
    CHECK(tls::to_string(a.group()) == "X25519MLKEM768");
    CHECK(tls::to_string(b.group()) == "SecP256r1MLKEM768");
    CHECK(tls::to_string(c.group()) == "MLKEM768");
    CHECK(a.share_size() == 1216);
    CHECK(a.response_size() == 1120);
    CHECK(b.share_size() == 1249);
    CHECK(b.response_size() == 1153);
    CHECK(c.share_size() == 1184);
    CHECK(c.response_size() == 1088);
    CHECK(tls::is_post_quantum(a.group()));
    CHECK_FALSE(tls::is_post_quantum(classical_x25519));
    tls::x25519_key_exchange classical;
    CHECK(classical.response_size() == classical.share_size());
}

TEST_CASE("TLS ML-KEM groups: X25519MLKEM768 puts ML-KEM first in shares and secret") {
    tls::x25519_mlkem768_key_exchange kx;
    const auto r = run_exchange(kx, 11, 12);
    REQUIRE(r.server_secret.size() == 64);
    CHECK(r.client_secret == r.server_secret);

    // The same random bytes in the order the object draws them: the client's seed d || z, then
    // its X25519 scalar; the server's message m, then its scalar.
    test_random client_rng(11), server_rng(12);
    bytes<64> seed{};
    bytes<32> client_scalar{}, m{}, server_scalar{};
    client_rng.fill(seed);
    client_rng.fill(client_scalar);
    server_rng.fill(m);
    server_rng.fill(server_scalar);
    mlkem768::encapsulation_key ek{};
    mlkem768::decapsulation_key dk{};
    REQUIRE(mlkem768::keygen(seed, ek, dk) == errc::ok);
    mlkem768::ciphertext ct{};
    mlkem768::shared_secret kem_secret{};
    REQUIRE(mlkem768::encapsulate(ek, m, ct, kem_secret) == errc::ok);
    const auto client_public = x25519_public_key(client_scalar);
    const auto server_public = x25519_public_key(server_scalar);
    bytes<32> ecdh_secret{};
    REQUIRE(carapace::x25519(ecdh_secret, server_scalar, client_public) == errc::ok);

    CHECK(r.client_share == cat({ek, client_public}));
    CHECK(r.server_share == cat({ct, server_public}));
    CHECK(r.server_secret == cat({kem_secret, ecdh_secret}));
    CHECK(byte_vector(r.state.begin(), r.state.begin() + 64) == byte_vector(seed.begin(), seed.end()));  // kept as its seed
}

TEST_CASE("TLS ML-KEM groups: SecP256r1MLKEM768 puts the P-256 part first in shares and secret") {
    tls::p256_mlkem768_key_exchange kx;
    const auto r = run_exchange(kx, 21, 22);
    REQUIRE(r.server_secret.size() == 64);
    CHECK(r.client_secret == r.server_secret);

    test_random client_rng(21), server_rng(22);
    bytes<64> seed{};
    bytes<32> client_scalar{}, m{}, server_scalar{};
    client_rng.fill(seed);
    client_rng.fill(client_scalar);
    server_rng.fill(m);
    server_rng.fill(server_scalar);
    mlkem768::encapsulation_key ek{};
    mlkem768::decapsulation_key dk{};
    REQUIRE(mlkem768::keygen(seed, ek, dk) == errc::ok);
    mlkem768::ciphertext ct{};
    mlkem768::shared_secret kem_secret{};
    REQUIRE(mlkem768::encapsulate(ek, m, ct, kem_secret) == errc::ok);
    bytes<65> client_point{}, server_point{};
    REQUIRE(ec_public_key<p256>(client_point, client_scalar) == errc::ok);
    REQUIRE(ec_public_key<p256>(server_point, server_scalar) == errc::ok);
    bytes<32> ecdh_secret{};
    REQUIRE(ecdh<p256>(ecdh_secret, server_scalar, client_point) == errc::ok);

    CHECK(r.client_share == cat({client_point, ek}));
    CHECK(r.server_share == cat({server_point, ct}));
    CHECK(r.server_secret == cat({ecdh_secret, kem_secret}));
}

TEST_CASE("TLS ML-KEM groups: MLKEM768 alone is the encapsulation key, the ciphertext and its secret") {
    tls::mlkem768_key_exchange kx;
    const auto r = run_exchange(kx, 31, 32);
    REQUIRE(r.server_secret.size() == 32);
    CHECK(r.client_secret == r.server_secret);
    test_random client_rng(31), server_rng(32);
    bytes<64> seed{};
    bytes<32> m{};
    client_rng.fill(seed);
    server_rng.fill(m);
    mlkem768::encapsulation_key ek{};
    mlkem768::decapsulation_key dk{};
    REQUIRE(mlkem768::keygen(seed, ek, dk) == errc::ok);
    mlkem768::ciphertext ct{};
    mlkem768::shared_secret kem_secret{};
    REQUIRE(mlkem768::encapsulate(ek, m, ct, kem_secret) == errc::ok);
    CHECK(r.client_share == cat({ek}));
    CHECK(r.server_share == cat({ct}));
    CHECK(r.server_secret == cat({kem_secret}));
}

// respond() on a client share; the secret's size (0: refused).
std::size_t respond_to(tls::key_exchange& kx, byte_view client_share) {
    test_random rng(5);
    byte_vector share(kx.response_size());
    bytes<tls::max_shared_secret_size> secret{};
    const std::size_t n = kx.respond(rng, client_share, share, secret);
    if (n == 0) CHECK(secret == bytes<tls::max_shared_secret_size>{});  // nothing half-made is left
    return n;
}

// Sets the first ML-KEM coefficient of an encapsulation key at `at` to 4095 (>= q = 3329).
void break_modulus(byte_vector& share, std::size_t at) {
    share[at] = 0xff;
    share[at + 1] |= 0x0f;
}

TEST_CASE("TLS ML-KEM groups: malformed client shares are refused") {
    tls::x25519_mlkem768_key_exchange xk;
    tls::p256_mlkem768_key_exchange pk;
    tls::mlkem768_key_exchange mk;
    for (tls::key_exchange* kx : std::initializer_list<tls::key_exchange*>{&xk, &pk, &mk}) {
        CAPTURE(tls::to_string(kx->group()));
        const auto good = run_exchange(*kx, 41, 42);
        REQUIRE(respond_to(*kx, good.client_share) != 0);
        // Wrong lengths.
        CHECK(respond_to(*kx, byte_view(good.client_share).first(good.client_share.size() - 1)) == 0);
        byte_vector longer = good.client_share;
        longer.push_back(0);
        CHECK(respond_to(*kx, longer) == 0);
        CHECK(respond_to(*kx, byte_view{}) == 0);
        CHECK(respond_to(*kx, byte_view(good.client_share).first(32)) == 0);
        // An encapsulation key failing the modulus check (FIPS 203 §7.2), first and last coefficient.
        const std::size_t ek_at = kx == &pk ? 65 : 0;
        byte_vector bad = good.client_share;
        break_modulus(bad, ek_at);
        CHECK(respond_to(*kx, bad) == 0);
        bad = good.client_share;
        bad[ek_at + 1151] = 0xff;  // the last coefficient's high byte, before rho
        bad[ek_at + 1150] |= 0xf0;
        CHECK(respond_to(*kx, bad) == 0);

        // The same wrong lengths from the server.
        bytes<tls::max_shared_secret_size> secret{};
        CHECK(kx->finish(good.state, byte_view(good.server_share).first(good.server_share.size() - 1), secret) == 0);
        CHECK(kx->finish(good.state, byte_view{}, secret) == 0);
    }

    SUBCASE("X25519MLKEM768: an all-zero X25519 result, both ways") {
        const auto good = run_exchange(xk, 43, 44);
        byte_vector low_order = good.client_share;
        std::fill(low_order.begin() + 1184, low_order.end(), 0);  // the point 0: an all-zero secret
        CHECK(respond_to(xk, low_order) == 0);
        byte_vector server_low = good.server_share;
        std::fill(server_low.begin() + 1088, server_low.end(), 0);
        bytes<tls::max_shared_secret_size> secret{};
        CHECK(xk.finish(good.state, server_low, secret) == 0);
        CHECK(secret == bytes<tls::max_shared_secret_size>{});
    }
    SUBCASE("SecP256r1MLKEM768: invalid P-256 points, both ways") {
        const auto good = run_exchange(pk, 45, 46);
        byte_vector off_curve = good.client_share;
        off_curve[64] ^= 1;  // the last byte of Y
        CHECK(respond_to(pk, off_curve) == 0);
        byte_vector compressed = good.client_share;
        compressed[0] = 0x02;
        CHECK(respond_to(pk, compressed) == 0);
        byte_vector server_bad = good.server_share;
        server_bad[64] ^= 1;
        bytes<tls::max_shared_secret_size> secret{};
        CHECK(pk.finish(good.state, server_bad, secret) == 0);
    }
    SUBCASE("a changed ciphertext is not an error: implicit rejection gives another secret") {
        const auto good = run_exchange(mk, 47, 48);
        byte_vector ct = good.server_share;
        ct[100] ^= 0x40;
        bytes<tls::max_shared_secret_size> secret{};
        REQUIRE(mk.finish(good.state, ct, secret) == 32);
        CHECK(byte_vector(secret.begin(), secret.begin() + 32) != good.server_secret);
    }
}

// A key exchange that spoils the shares of the one it wraps: what a broken or hostile peer sends.
class spoiling_exchange final : public tls::key_exchange {
public:
    enum class how { shorter, modulus, zero_x25519, off_curve };
    spoiling_exchange(tls::key_exchange& inner, how h) : inner_(inner), how_(h) {}
    tls::named_group group() const noexcept override { return inner_.group(); }
    std::size_t share_size() const noexcept override { return inner_.share_size() - (how_ == how::shorter ? 1 : 0); }
    std::size_t response_size() const noexcept override {
        return inner_.response_size() - (how_ == how::shorter ? 1 : 0);
    }
    errc generate(tls::random_source& rng, std::span<std::uint8_t, tls::max_key_exchange_state> state,
                  byte_span share) noexcept override {
        byte_vector full(inner_.share_size());
        const errc e = inner_.generate(rng, state, full);
        spoil(full);
        std::copy_n(full.begin(), share.size(), share.begin());
        return e;
    }
    std::size_t finish(std::span<const std::uint8_t, tls::max_key_exchange_state> state, byte_view peer,
                       std::span<std::uint8_t, tls::max_shared_secret_size> secret) noexcept override {
        return inner_.finish(state, peer, secret);
    }
    std::size_t respond(tls::random_source& rng, byte_view peer, byte_span share,
                        std::span<std::uint8_t, tls::max_shared_secret_size> secret) noexcept override {
        byte_vector full(inner_.response_size());
        const std::size_t n = inner_.respond(rng, peer, full, secret);
        spoil(full);
        std::copy_n(full.begin(), share.size(), share.begin());
        return n;
    }

private:
    void spoil(byte_vector& s) const {
        const bool p256_first = inner_.group() == p256_mlkem;
        switch (how_) {
            case how::shorter: break;
            case how::modulus: break_modulus(s, p256_first ? 65 : 0); break;
            case how::zero_x25519: std::fill(s.end() - 32, s.end(), 0); break;
            case how::off_curve: s[64] ^= 1; break;
        }
    }
    tls::key_exchange& inner_;
    how how_;
};

// The default test setup (Ed25519 PKI) with the ML-KEM groups and the classical ones on both sides.
struct pq_setup : setup {
    tls::x25519_mlkem768_key_exchange client_hybrid, server_hybrid;
    tls::p256_mlkem768_key_exchange client_p256_hybrid, server_p256_hybrid;
    tls::mlkem768_key_exchange client_mlkem, server_mlkem;
    tls::x25519_key_exchange client_x25519, server_x25519;
    tls::p256_key_exchange client_p256, server_p256;
    tls::key_exchange* client_kx[5] = {&client_hybrid, &client_p256_hybrid, &client_mlkem, &client_x25519, &client_p256};
    tls::key_exchange* server_kx[5] = {&server_hybrid, &server_p256_hybrid, &server_mlkem, &server_x25519, &server_p256};
    std::vector<tls::named_group> client_groups{x25519_mlkem, classical_x25519};
    std::vector<tls::named_group> server_groups{x25519_mlkem, classical_x25519};

    pq_setup() {
        client_config.key_exchanges = client_kx;
        server_config.key_exchanges = server_kx;
        client_config.groups = tls::default_groups;
        server_config.groups = tls::default_groups;
    }
    void use_groups(std::vector<tls::named_group> client, std::vector<tls::named_group> server) {
        client_groups = std::move(client);
        server_groups = std::move(server);
        client_config.groups = client_groups;
        server_config.groups = server_groups;
    }
};

TEST_CASE("TLS ML-KEM groups: the defaults offer X25519MLKEM768 and X25519 shares; servers prefer the hybrid") {
    CHECK(tls::default_groups[0] == x25519_mlkem);
    SUBCASE("both ends default: the hybrid, one round trip") {
        pq_setup t;
        session s(t.client_config, t.server_config);
        byte_vector out(4096);
        const auto r = s.client.start(out);
        REQUIRE(r.what == tls::event::need_input);
        CHECK(r.produced > 1216 + 32);  // both shares are in it
        s.to_server.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced));
        s.run();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.client.negotiated_group() == x25519_mlkem);
        CHECK(s.server.negotiated_group() == x25519_mlkem);
        check_connected_and_talking(s);
    }
    SUBCASE("a classical server answers the X25519 share in one round trip") {
        pq_setup t;
        tls::key_exchange* only_x25519[1] = {&t.server_x25519};
        t.server_config.key_exchanges = only_x25519;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.client.negotiated_group() == classical_x25519);
        check_connected_and_talking(s);
    }
    SUBCASE("a classical client (no hybrid implementation) still sends an X25519 share") {
        pq_setup t;
        tls::key_exchange* only_x25519[1] = {&t.client_x25519};
        t.client_config.key_exchanges = only_x25519;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.server.negotiated_group() == classical_x25519);
        check_connected_and_talking(s);
    }
    SUBCASE("a classical client does not list the hybrid: a server insisting on it takes X25519") {
        pq_setup t;
        tls::key_exchange* only_x25519[1] = {&t.client_x25519};
        t.client_config.key_exchanges = only_x25519;
        t.server_config.insist_on_preferred_group = true;
        session s(t.client_config, t.server_config);
        s.handshake();
        CHECK_FALSE(s.client.hello_retry_used());
        CHECK(s.server.negotiated_group() == classical_x25519);
        check_connected_and_talking(s);
    }
    SUBCASE("a client with no implementation of any listed group refuses to start") {
        pq_setup t;
        tls::key_exchange* only_x25519[1] = {&t.client_x25519};
        t.client_config.key_exchanges = only_x25519;
        const tls::named_group hybrid_only[1] = {x25519_mlkem};
        t.client_config.groups = hybrid_only;
        tls::client c(t.client_config);
        byte_vector out(4096);
        CHECK(c.start(out).failure == tls::error::wrong_state);
    }
}

TEST_CASE("TLS ML-KEM groups: every group with every suite and input split") {
    for (const auto g : {x25519_mlkem, p256_mlkem, mlkem}) {
        for (const auto suite : tls::default_cipher_suites) {
            for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{3000}}) {
                CAPTURE(tls::to_string(g));
                CAPTURE(tls::to_string(suite));
                CAPTURE(chunk);
                pq_setup t;
                t.use_groups({g, classical_x25519}, {g, classical_p256, classical_x25519});
                const tls::cipher_suite only[1] = {suite};
                t.server_config.cipher_suites = only;
                session s(t.client_config, t.server_config);
                s.max_chunk = chunk;
                s.handshake();
                CHECK_FALSE(s.client.hello_retry_used());
                CHECK(s.client.negotiated_suite() == suite);
                CHECK(s.client.negotiated_group() == g);
                CHECK(s.server.negotiated_group() == g);
                check_connected_and_talking(s);
            }
        }
    }
}

TEST_CASE("TLS ML-KEM groups: HelloRetryRequest to each ML-KEM group") {
    for (const auto g : {x25519_mlkem, p256_mlkem, mlkem}) {
        for (const bool compatibility : {false, true}) {
            for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{13}}) {
                CAPTURE(tls::to_string(g));
                CAPTURE(compatibility);
                CAPTURE(chunk);
                pq_setup t;
                // The client lists the group first but sends only an X25519 share; the server insists.
                t.use_groups({g, classical_x25519}, {g, classical_x25519});
                const tls::named_group share[1] = {classical_x25519};
                t.client_config.key_share_groups = share;
                t.client_config.middlebox_compatibility = compatibility;
                t.server_config.insist_on_preferred_group = true;
                session s(t.client_config, t.server_config);
                s.max_chunk = chunk;
                s.handshake();
                CHECK(s.client.hello_retry_used());
                CHECK(s.server.hello_retry_used());
                CHECK(s.client.negotiated_group() == g);
                CHECK(s.server.negotiated_group() == g);
                check_connected_and_talking(s);
            }
        }
    }
}

TEST_CASE("TLS ML-KEM groups: a server without ML-KEM asks for X25519; small records carry kilobyte shares") {
    SUBCASE("HelloRetryRequest from the hybrid to a classical group") {
        pq_setup t;
        t.use_groups({x25519_mlkem, classical_p256}, {classical_p256});
        const tls::named_group share[1] = {x25519_mlkem};
        t.client_config.key_share_groups = share;
        session s(t.client_config, t.server_config);
        s.max_chunk = 5;
        s.handshake();
        CHECK(s.client.hello_retry_used());
        CHECK(s.client.negotiated_group() == classical_p256);
        check_connected_and_talking(s);
    }
    SUBCASE("record_size_limit 64 both ways") {
        pq_setup t;
        t.client_config.record_size_limit = 64;
        t.server_config.record_size_limit = 64;
        session s(t.client_config, t.server_config);
        s.max_chunk = 11;
        s.handshake();
        CHECK(s.server.negotiated_group() == x25519_mlkem);
        check_connected_and_talking(s);
    }
}

TEST_CASE("TLS ML-KEM groups: engines with lent buffers, with and without a HelloRetryRequest") {
    for (const bool retry : {false, true}) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{700}}) {
            CAPTURE(retry);
            CAPTURE(chunk);
            tls::fixed_buffer_pool<tls::lent_server::storage_block_size, 2> pool;
            pq_setup t;
            t.client_config.buffers = &pool;
            t.server_config.buffers = &pool;
            const tls::named_group share[1] = {classical_x25519};
            if (retry) {
                t.client_config.key_share_groups = share;
                t.server_config.insist_on_preferred_group = true;
            }
            basic_session<tls::lent_client, tls::lent_server> s(t.client_config, t.server_config);
            s.max_chunk = chunk;
            s.handshake();
            CHECK(s.client.hello_retry_used() == retry);
            CHECK(s.client.negotiated_group() == x25519_mlkem);
            CHECK(pool.in_use() == 0);
            check_connected_and_talking(s);
        }
    }
}

TEST_CASE("TLS ML-KEM groups: malformed shares in a handshake are illegal_parameter") {
    using how = spoiling_exchange::how;
    struct row {
        tls::named_group group;
        how what;
    };
    const row rows[] = {{x25519_mlkem, how::shorter},   {x25519_mlkem, how::modulus}, {x25519_mlkem, how::zero_x25519},
                        {p256_mlkem, how::shorter},     {p256_mlkem, how::modulus},   {p256_mlkem, how::off_curve},
                        {mlkem, how::shorter},          {mlkem, how::modulus}};
    for (const auto& r : rows) {
        CAPTURE(tls::to_string(r.group));
        CAPTURE(static_cast<int>(r.what));
        {  // from the client: the server refuses
            pq_setup t;
            t.use_groups({r.group}, {r.group});
            tls::key_exchange* inner = r.group == x25519_mlkem ? static_cast<tls::key_exchange*>(&t.client_hybrid)
                                       : r.group == p256_mlkem ? static_cast<tls::key_exchange*>(&t.client_p256_hybrid)
                                                               : &t.client_mlkem;
            spoiling_exchange bad(*inner, r.what);
            tls::key_exchange* kx[1] = {&bad};
            t.client_config.key_exchanges = kx;
            session s(t.client_config, t.server_config);
            s.handshake();
            CHECK(s.server_log.last_fatal.failure == tls::error::illegal_parameter);
            CHECK(s.client_log.last_fatal.alert == tls::alert_description::illegal_parameter);
            CHECK_FALSE(s.server.handshake_complete());
        }
        if (r.what == how::modulus) continue;  // a server sends a ciphertext, not a key
        {  // from the server: the client refuses
            pq_setup t;
            t.use_groups({r.group}, {r.group});
            tls::key_exchange* inner = r.group == x25519_mlkem ? static_cast<tls::key_exchange*>(&t.server_hybrid)
                                       : r.group == p256_mlkem ? static_cast<tls::key_exchange*>(&t.server_p256_hybrid)
                                                               : &t.server_mlkem;
            spoiling_exchange bad(*inner, r.what);
            tls::key_exchange* kx[1] = {&bad};
            t.server_config.key_exchanges = kx;
            session s(t.client_config, t.server_config);
            s.handshake();
            CHECK(s.client_log.last_fatal.failure == tls::error::illegal_parameter);
            CHECK(s.server_log.last_fatal.alert == tls::alert_description::illegal_parameter);
            CHECK_FALSE(s.client.handshake_complete());
        }
    }
}

TEST_CASE("TLS ML-KEM groups: the client's share storage") {
    pq_setup t;
    // Two post-quantum shares do not fit the share storage: start() refuses the configuration.
    const tls::named_group two[2] = {x25519_mlkem, p256_mlkem};
    t.client_config.key_share_groups = two;
    t.client_config.groups = two;
    {
        tls::client c(t.client_config);
        byte_vector out(8192);
        CHECK(c.start(out).what == tls::event::refused);
    }
    // One post-quantum share and three classical ones do.
    tls::p384_key_exchange p384;
    tls::key_exchange* kx[4] = {&t.client_hybrid, &t.client_x25519, &t.client_p256, &p384};
    const tls::named_group four[4] = {x25519_mlkem, classical_x25519, classical_p256, tls::named_group::secp384r1};
    t.client_config.key_exchanges = kx;
    t.client_config.key_share_groups = four;
    t.client_config.groups = four;
    tls::client c(t.client_config);
    byte_vector out(8192);
    const auto r = c.start(out);
    CHECK(r.what == tls::event::need_input);
    CHECK(r.produced > 1216 + 32 + 65 + 97);
    CHECK(tls::client::max_client_share_bytes == 1249 + 3 * 133);
}

}  // namespace mlkem_groups_test

#endif  // !CARAPACE_NO_MLKEM
