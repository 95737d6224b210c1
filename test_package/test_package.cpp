// The package's smoke test (Conan's test_package, vcpkg's usage, scripts/test's CMake consumer):
// hashes, seals and opens with an AEAD, and runs a TLS 1.3 handshake between a client and a
// server in this process, each side's output handed to the other through memory. The
// certificates are carapace's test PKI (tests/vectors/tls), valid for a century; the clock is
// left unset, so their validity periods are not checked.
#include <carapace/carapace.hpp>

#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

using namespace carapace;

namespace {

constexpr std::string_view server_chain_pem = R"(
-----BEGIN CERTIFICATE-----
MIIBdzCCASmgAwIBAgIJAPvdb2WmzGVzMAUGAytlcDAlMSMwIQYDVQQDDBpjYXJh
cGFjZSB0ZXN0IGludGVybWVkaWF0ZTAgFw0yNjExMjMxNDQwNTBaGA8yMTI2MTAz
MDE0NDA1MFowFDESMBAGA1UEAwwJbG9jYWxob3N0MCowBQYDK2VwAyEASzo4CaOx
8npbmkpofN9EIz+39jGQAFI2Jq2Uqoo+i22jgYQwgYEwGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcD
ATAdBgNVHQ4EFgQUKZZh+sb0xVi5nZljiuXcmz4O4RMwHwYDVR0jBBgwFoAUzk7O
CwfQjycb42znz4F+/oEBvO0wBQYDK2VwA0EA4Ksh3tGFC44N1jxK8H8+oZwzfQAz
4DlZ2b9++aXRtiIH82lPmBgwAynD6nHhAV9GRar2AmGKEkNHtFdX2VThDA==
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIBYDCCARKgAwIBAgIIaQtt0bowjcEwBQYDK2VwMB0xGzAZBgNVBAMMEmNhcmFw
YWNlIHRlc3Qgcm9vdDAgFw0yNjExMjMxNDQwNTBaGA8yMTI2MTAzMDE0NDA1MFow
JTEjMCEGA1UEAwwaY2FyYXBhY2UgdGVzdCBpbnRlcm1lZGlhdGUwKjAFBgMrZXAD
IQD2jN3UxeuB2JeuX5yu9rwb92AvGi9uvNywXkFcpyWQlaNmMGQwEgYDVR0TAQH/
BAgwBgEB/wIBADAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFM5OzgsH0I8nG+Ns
58+Bfv6BAbztMB8GA1UdIwQYMBaAFAfLTeq/hxQu7KI3whjLouMlTu/1MAUGAytl
cANBAI/biVGAeVqkZxbQXBluJmaC/KgPXThj0yeW9h8sWydK25JxngaoEPGSjxBH
A6BxSG+jng1a/TfrUqFrksbVdgE=
-----END CERTIFICATE-----
)";

constexpr std::string_view root_pem = R"(
-----BEGIN CERTIFICATE-----
MIIBYTCCAROgAwIBAgIUK0DB2UiFagEasD3duPSCS3FVAKUwBQYDK2VwMB0xGzAZ
BgNVBAMMEmNhcmFwYWNlIHRlc3Qgcm9vdDAgFw0yNjExMjMxNDQwNDlaGA8yMTI2
MTAzMDE0NDA0OVowHTEbMBkGA1UEAwwSY2FyYXBhY2UgdGVzdCByb290MCowBQYD
K2VwAyEAc4c4Miuq69puJAxb3mMn0oPyw+N+HJ+O6QudXpXe0lCjYzBhMB0GA1Ud
DgQWBBQHy03qv4cULuyiN8IYy6LjJU7v9TAfBgNVHSMEGDAWgBQHy03qv4cULuyi
N8IYy6LjJU7v9TAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAFBgMr
ZXADQQDLkhrHQSgAsTCdIlP1z8Q1lTeErRysyTXBzgoHx31hIfiFIkTkQ2nYk/fi
Qn4aoeKddhURWmGO8VwUjPESkrcF
-----END CERTIFICATE-----
)";

constexpr std::string_view server_key_pem = R"(
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHVUfpg1RFh0OXEHJFCpVGYXak4K6QwYyE3+dDkf3+Sy
-----END PRIVATE KEY-----
)";

// A test program's randomness; a real program uses its platform's CSPRNG.
class device_random final : public tls::random_source {
public:
    void fill(byte_span out) noexcept override {
        for (auto& b : out) b = static_cast<std::uint8_t>(device_());
    }

private:
    std::random_device device_;
};

// Decodes every block of a PEM text into `storage` (kept alive by the caller).
bool decode_all(std::string_view text, std::vector<std::vector<std::uint8_t>>& storage) {
    pem::reader reader(text);
    while (auto block = reader.next()) {
        std::vector<std::uint8_t> der(pem::max_decoded_size(*block));
        const auto size = pem::decode(*block, der);
        if (!size) return false;
        der.resize(*size);
        storage.push_back(std::move(der));
    }
    return reader.ok() && !storage.empty();
}

using queue = std::vector<std::uint8_t>;

// Feeds `in` to an engine until it needs more input, queues its output on `out`, and hands each
// event to `react`. False when the connection failed.
template <class Engine, class React>
bool deliver(Engine& engine, queue& in, queue& out, React&& react) {
    static std::uint8_t buffer[32768];
    for (;;) {
        const tls::io_result r = engine.receive(in, buffer);
        out.insert(out.end(), buffer, buffer + r.produced);
        in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(r.consumed));
        if (r.what == tls::event::need_input) return true;
        if (r.what == tls::event::fatal) return false;
        react(r);
        if (r.what == tls::event::peer_closed) return true;
    }
}

// Runs a call that only writes (send, close) and queues what it produced.
template <class Call>
void write(queue& out, Call&& call) {
    static std::uint8_t buffer[32768];
    const tls::io_result r = call(byte_span(buffer));
    out.insert(out.end(), buffer, buffer + r.produced);
}

bool handshake() {
    std::vector<std::vector<std::uint8_t>> chain, roots, keys;
    if (!decode_all(server_chain_pem, chain) || !decode_all(root_pem, roots) || !decode_all(server_key_pem, keys))
        return false;
    const auto key = x509::parse_private_key(keys[0]);
    if (!key || key->type != x509::key_type::ed25519 || key->key.size() != 32) return false;
    bytes<32> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = key->key[i];
    const std::vector<byte_view> chain_views(chain.begin(), chain.end());

    static x509::trust_store<1> store;
    if (store.add(roots[0]) != errc::ok) return false;
    tls::x25519_key_exchange x25519;
    tls::key_exchange* groups[] = {&x25519};
    tls::x509_verifier<1> verifier(store);
    tls::ed25519_signer signer(seed);
    secure_wipe(seed);
    device_random random;

    tls::client_config client_config;
    client_config.server_name = "localhost";
    client_config.key_exchanges = groups;
    client_config.verifier = &verifier;
    client_config.random = &random;
    tls::server_config server_config;
    server_config.certificate_chain = chain_views;
    server_config.signer = &signer;
    server_config.key_exchanges = groups;
    server_config.random = &random;
    static tls::client client(client_config);
    static tls::server server(server_config);

    queue to_server, to_client;
    write(to_server, [&](byte_span out) { return client.start(out); });
    const auto message = literal_bytes("ping");
    bool echoed = false, closed = false;
    while (!closed && !(to_server.empty() && to_client.empty())) {
        const bool server_ok = deliver(server, to_server, to_client, [&](const tls::io_result& r) {
            if (r.what == tls::event::app_data) write(to_client, [&](byte_span out) { return server.send(r.data, out); });
            if (r.what == tls::event::peer_closed) write(to_client, [&](byte_span out) { return server.close(out); });
        });
        const bool client_ok = deliver(client, to_client, to_server, [&](const tls::io_result& r) {
            if (r.what == tls::event::handshake_complete)
                write(to_server, [&](byte_span out) { return client.send(message, out); });
            if (r.what == tls::event::app_data) {
                echoed = r.data.size() == message.size() && ct::equal(r.data, message);
                write(to_server, [&](byte_span out) { return client.close(out); });
            }
            if (r.what == tls::event::peer_closed) closed = true;
        });
        if (!server_ok || !client_ok) return false;
    }
    return echoed && closed;
}

}  // namespace

int main() {
    const auto digest = sha256::hash(literal_bytes("abc"));
    const bool hash_ok = digest[0] == 0xba && digest[31] == 0xad;

    const bytes<32> key{1, 2, 3};
    const bytes<12> nonce{};
    const auto plaintext = literal_bytes("carapace");
    bytes<plaintext.size() + 16> sealed{};
    bytes<plaintext.size()> opened{};
    const chacha20_poly1305 aead(key);
    const bool aead_ok = aead.seal(nonce, {}, plaintext, sealed) == errc::ok &&
                         aead.open(nonce, {}, sealed, opened) == errc::ok && opened == plaintext;

    const bool tls_ok = handshake();
    std::printf("carapace %s: sha256 %s, chacha20-poly1305 %s, TLS 1.3 in memory %s\n", CARAPACE_VERSION_STRING,
                hash_ok ? "ok" : "FAILED", aead_ok ? "ok" : "FAILED", tls_ok ? "ok" : "FAILED");
    return hash_ok && aead_ok && tls_ok ? 0 : 1;
}
