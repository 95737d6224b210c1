// The protected record layer after a real handshake, or in the middle of one: a client and a
// server handshake in memory with fixed randomness, the key log hands this harness the peer's
// traffic secrets, and the fuzz input becomes records sealed with the real keys and fed to one
// engine (either role, every suite). That reaches what an attacker without the keys cannot:
// post-handshake messages (KeyUpdate, NewSessionTicket), alerts, unknown inner types, empty and
// padding-only records, oversized ones, handshake messages split across records, all under
// encryption. The engine's promises are checked on every call, and application data it reports
// must be what was sealed.
//
// Input: two config bytes, then operations until the input ends.
//   config[0]: bits 0-1 suite; bit 2 fuzz the server (else the client); bit 3 stop mid-handshake,
//   just after the target's first encrypted read key is in place (else after the handshake);
//   bit 4 middlebox compatibility; bit 5 the target asks for record_size_limit; bit 6 client
//   authentication; bit 7 start each call with a too-small output buffer.
//   config[1]: the record_size_limit asked for: 64 + 64 * config[1] (at most 16385).
//   Operation byte, low 2 bits:
//     0 sealed record:    [op][inner type][length: 2][padding][piece] content...
//     1 real peer bytes:  [op][inner type][length: 2][padding][piece]: content is the next
//                         `length` bytes of what the real peer sends at this point (its encrypted
//                         handshake flight mid-handshake; NewSessionTicket and KeyUpdates after)
//     2 raw bytes:        [op][length: 2][piece] bytes..., fed as they are (any outer header)
//     3 API call:         [op][argument]: send, request_key_update, close or export by argument % 4
//   For 0 and 1, op bit 2 multiplies the padding by 64, and op bit 3 reads three more bytes
//   (outer content type and version) for the outer header, which the AEAD also covers.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "carapace/core/hex.hpp"
#include "carapace/tls/client.hpp"
#include "carapace/tls/defaults.hpp"
#include "carapace/tls/detail/key_schedule.hpp"
#include "carapace/tls/server.hpp"
#include "tls_stand_ins.hpp"
#include "test_certificates.hpp"

namespace {

using namespace carapace;
namespace detail = carapace::tls::detail;

void require(bool condition) {
    if (!condition) std::abort();
}

using fuzz_support::accept_all;
using fuzz_support::counter_random;

struct logged_secret {
    std::string label;
    std::vector<std::uint8_t> secret;
};

class secret_log final : public tls::key_log {
public:
    std::vector<logged_secret> entries;
    void log(std::string_view label, byte_view, byte_view secret) noexcept override {
        entries.push_back({std::string(label), std::vector<std::uint8_t>(secret.begin(), secret.end())});
    }
    // The last secret whose label starts with `prefix`.
    const logged_secret* last(std::string_view prefix) const {
        for (auto it = entries.rbegin(); it != entries.rend(); ++it)
            if (std::string_view(it->label).substr(0, prefix.size()) == prefix) return &*it;
        return nullptr;
    }
};

// One direction of record protection, rebuilt here from a traffic secret with the key
// schedule's helpers and the library's AEADs, so that any outer header can be sealed.
class record_key {
public:
    record_key(const tls::suite_info& suite, byte_view traffic) : suite_(suite) {
        std::copy(traffic.begin(), traffic.end(), secret_.span(traffic.size()).begin());
        detail::traffic_key_and_iv(suite_.hash, secret_, byte_span(key_).first(suite_.key_size), iv_);
    }

    [[nodiscard]] byte_view secret() const { return secret_.view(); }

    // header (5 bytes, its length set here) || inner plaintext || tag.
    std::vector<std::uint8_t> seal(std::uint8_t type, std::uint8_t major, std::uint8_t minor, byte_view inner) {
        std::vector<std::uint8_t> record(5 + inner.size() + suite_.tag_size);
        const std::size_t body = inner.size() + suite_.tag_size;
        record[0] = type;
        record[1] = major;
        record[2] = minor;
        record[3] = static_cast<std::uint8_t>(body >> 8);
        record[4] = static_cast<std::uint8_t>(body);
        std::copy(inner.begin(), inner.end(), record.begin() + 5);
        const byte_view header = byte_view(record).first(5);
        const byte_span text = byte_span(record).subspan(5, inner.size());
        const byte_span tag = byte_span(record).subspan(5 + inner.size());
        const auto nonce = next_nonce();
        errc e = errc::ok;
        with_aead([&](const auto& aead) {
            constexpr std::size_t n = std::remove_cvref_t<decltype(aead)>::tag_size;
            e = aead.seal(nonce, header, text, text, tag.first<n>());
        });
        require(e == errc::ok);
        return record;
    }

    // Opens one protected record in place; the inner plaintext, or nothing.
    std::optional<byte_view> open(byte_span record) {
        const std::size_t tag_size = suite_.tag_size;
        if (record.size() < 5 + tag_size) return std::nullopt;
        const byte_view header = byte_view(record).first(5);
        const byte_span text = record.subspan(5, record.size() - 5 - tag_size);
        const byte_view tag = byte_view(record).subspan(record.size() - tag_size);
        const auto nonce = next_nonce();
        errc e = errc::ok;
        with_aead([&](const auto& aead) { e = aead.open(nonce, header, text, tag, text); });
        if (e != errc::ok) return std::nullopt;
        return byte_view(text);
    }

private:
    template <class F>
    void with_aead(F&& f) const {
        switch (suite_.aead) {
            case tls::aead_kind::aes_128_gcm: f(aes128_gcm(fixed_view<16>(byte_view(key_).first<16>()))); break;
            case tls::aead_kind::aes_256_gcm: f(aes256_gcm(fixed_view<32>(key_))); break;
            case tls::aead_kind::chacha20_poly1305: f(chacha20_poly1305(fixed_view<32>(key_))); break;
            case tls::aead_kind::aes_128_ccm: f(aes128_ccm16(fixed_view<16>(byte_view(key_).first<16>()))); break;
            case tls::aead_kind::aes_128_ccm_8: f(aes128_ccm8(fixed_view<16>(byte_view(key_).first<16>()))); break;
        }
    }

    bytes<tls::iv_size> next_nonce() {
        bytes<tls::iv_size> nonce = iv_;
        for (std::size_t i = 0; i < 8; ++i) nonce[tls::iv_size - 1 - i] ^= static_cast<std::uint8_t>(sequence_ >> (8 * i));
        ++sequence_;
        return nonce;
    }

    tls::suite_info suite_;
    detail::secret secret_;
    bytes<tls::max_key_size> key_{};
    bytes<tls::iv_size> iv_{};
    std::uint64_t sequence_ = 0;
};

// The handshake messages inside `wire`'s protected records (plaintext ones are skipped).
std::vector<std::uint8_t> decrypt_flight(byte_view wire, record_key key) {
    std::vector<std::uint8_t> messages;
    std::vector<std::uint8_t> record;
    for (std::size_t at = 0; at + 5 <= wire.size();) {
        const std::size_t length = static_cast<std::size_t>(wire[at + 3]) << 8 | wire[at + 4];
        require(at + 5 + length <= wire.size());
        if (wire[at] == 23) {
            record.assign(wire.begin() + static_cast<std::ptrdiff_t>(at),
                          wire.begin() + static_cast<std::ptrdiff_t>(at + 5 + length));
            const auto inner = key.open(record);
            require(inner.has_value());
            std::size_t n = inner->size();
            while (n > 0 && (*inner)[n - 1] == 0) --n;
            require(n > 0 && (*inner)[n - 1] == 22);
            messages.insert(messages.end(), inner->begin(), inner->begin() + static_cast<std::ptrdiff_t>(n - 1));
        }
        at += 5 + length;
    }
    return messages;
}

// Plaintext handshake messages a connected peer may send: NewSessionTicket, KeyUpdate
// (update_requested), KeyUpdate (update_not_requested).
constexpr std::uint8_t post_handshake_messages[] = {
    4,  0, 0, 18, 0, 0, 0x1c, 0x20, 1, 2, 3, 4, 1, 7, 0, 4, 't', 'i', 'c', 'k', 0, 0,  // NewSessionTicket
    24, 0, 0, 1,  1,                                                                 // KeyUpdate
    24, 0, 0, 1,  0,
};

// Reads the fuzz input front to back; past its end, zeros.
class input_reader {
public:
    explicit input_reader(byte_view data) : data_(data) {}
    [[nodiscard]] bool empty() const { return at_ >= data_.size(); }
    std::uint8_t u8() { return at_ < data_.size() ? data_[at_++] : 0; }
    std::size_t u16() {
        const std::size_t hi = u8();
        return hi << 8 | u8();
    }
    byte_view take(std::size_t n) {
        n = std::min(n, data_.size() - std::min(at_, data_.size()));
        const byte_view v = data_.subspan(std::min(at_, data_.size()), n);
        at_ += n;
        return v;
    }

private:
    byte_view data_;
    std::size_t at_ = 0;
};

template <class Target>
class harness {
public:
    harness(Target& target, secret_log& log, bool client_target, bool small_output)
        : target_(target), log_(log), peer_prefix_(client_target ? "SERVER_" : "CLIENT_"), small_output_(small_output) {}

    std::optional<record_key> key;       // the peer's current write key, as the target reads it
    std::vector<std::uint8_t> real_peer;  // what the real peer sends next (plaintext handshake bytes)
    std::size_t real_at = 0;

    [[nodiscard]] bool stopped() const { return stopped_; }

    // Feeds `bytes` in pieces of at most `piece` bytes (0: at once); `sealed_app_data` is the
    // content of a sealed application_data record with a standard header, when it is one.
    void feed(byte_view bytes, std::size_t piece, std::optional<byte_view> sealed_app_data) {
        std::size_t off = 0;
        for (int guard = 0; guard < 10000 && !stopped_; ++guard) {
            std::size_t n = bytes.size() - off;
            if (piece != 0 && n > piece) n = piece;
            const auto r = call_receive(bytes.subspan(off, n));
            require(r.consumed <= n);
            off += r.consumed;
            switch (r.what) {
                case tls::event::fatal: stopped_ = true; return;
                case tls::event::peer_closed: stopped_ = true; return;
                case tls::event::app_data:
                    require(r.data.size() <= detail::max_plaintext_size);
                    if (sealed_app_data)
                        require(std::equal(r.data.begin(), r.data.end(), sealed_app_data->begin(), sealed_app_data->end()));
                    break;
                case tls::event::handshake_complete: follow_peer_key("_TRAFFIC_SECRET_0"); break;
                case tls::event::key_update: follow_key_update(); break;
                case tls::event::need_input:
                    if (off == bytes.size()) return;
                    require(r.consumed != 0);  // stuck with input left
                    break;
                case tls::event::need_output_space: std::abort();  // call_receive retries
                // receive() refuses nothing, and the stand-ins never answer "pending". No ticket
                // or early data is configured on either side, so no 0-RTT event can come.
                case tls::event::early_data:
                case tls::event::early_data_accepted:
                case tls::event::early_data_rejected:
                case tls::event::refused:
                case tls::event::signature_needed:
                case tls::event::verification_needed: std::abort();
            }
        }
    }

    void api_call(std::uint8_t argument) {
        if (stopped_) return;
        const std::size_t room = small_output_ ? 40 : output_.size();
        const byte_span out = byte_span(output_).first(room);
        tls::io_result r;
        switch (argument % 4) {
            case 0: {
                const std::vector<std::uint8_t> data(std::size_t{argument} * 67, 0x5a);
                r = target_.send(data, out);
                require(r.consumed <= data.size());
                break;
            }
            case 1: r = target_.request_key_update(out); break;
            case 2: r = target_.close(out); break;
            default: {
                bytes<32> exported{};
                (void)target_.export_keying_material(literal_bytes("EXPORTER-fuzz"), literal_bytes("ctx"), exported);
                return;
            }
        }
        require(r.produced <= out.size());
        if (r.what == tls::event::need_output_space) require(r.needed > out.size() && r.produced == 0);
    }

private:
    tls::io_result call_receive(byte_view input) {
        const bool was_failed = target_.failed();
        tls::io_result r;
        if (small_output_) {
            r = target_.receive(input, byte_span(output_).first(100));
            if (r.what == tls::event::need_output_space) {
                // Nothing done, and the size it asks for must be enough.
                require(r.consumed == 0 && r.produced == 0 && r.needed > 100 && r.needed <= output_.size());
                r = target_.receive(input, byte_span(output_).first(r.needed));
            }
        } else {
            r = target_.receive(input, output_);
        }
        require(r.what != tls::event::need_output_space);
        require(r.produced <= output_.size());
        if (was_failed) require(r.what == tls::event::fatal && r.consumed == 0 && r.produced == 0);
        if (r.what == tls::event::fatal) require(target_.failed());
        return r;
    }

    // The peer's write key changed where the target reads: follow it with the logged secret.
    void follow_peer_key(std::string_view suffix) {
        const logged_secret* s = log_.last(peer_prefix_);
        require(s != nullptr && s->label.size() > suffix.size() &&
                s->label.compare(s->label.size() - suffix.size(), suffix.size(), suffix) == 0);
        key.emplace(suite(), s->secret);
        // What the peer may send next: post-handshake messages.
        real_peer.assign(std::begin(post_handshake_messages), std::end(post_handshake_messages));
        real_at = 0;
    }

    // After a KeyUpdate the target must have logged application_traffic_secret_N+1 =
    // HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2).
    void follow_key_update() {
        const logged_secret* s = log_.last(peer_prefix_);
        require(s != nullptr && key.has_value());
        detail::secret expected;
        std::copy(key->secret().begin(), key->secret().end(), expected.span(key->secret().size()).begin());
        detail::next_traffic_secret(suite().hash, expected);
        require(std::equal(s->secret.begin(), s->secret.end(), expected.view().begin(), expected.view().end()));
        key.emplace(suite(), s->secret);
    }

    tls::suite_info suite() const { return *tls::find_suite(static_cast<std::uint16_t>(target_.negotiated_suite())); }

    Target& target_;
    secret_log& log_;
    std::string_view peer_prefix_;
    bool small_output_;
    bool stopped_ = false;
    std::vector<std::uint8_t> output_ = std::vector<std::uint8_t>(1 << 17);
};

std::vector<std::uint8_t> unhex(std::string_view text) {
    std::vector<std::uint8_t> out(hex::decoded_size(text));
    require(hex::decode(text, out) == errc::ok);
    return out;
}

// Splits `wire` after its first `count` records.
std::size_t records_prefix(byte_view wire, std::size_t count) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < count && at + 5 <= wire.size(); ++i)
        at += 5 + (static_cast<std::size_t>(wire[at + 3]) << 8 | wire[at + 4]);
    return std::min(at, wire.size());
}

template <class Target>
void run_operations(harness<Target>& h, input_reader& in) {
    std::vector<std::uint8_t> inner;
    while (!in.empty() && !h.stopped()) {
        const std::uint8_t op = in.u8();
        switch (op & 3) {
            case 0:
            case 1: {
                const std::uint8_t inner_type = in.u8();
                const std::size_t length = in.u16();
                const std::size_t padding = (op & 4) != 0 ? std::size_t{in.u8()} * 64 : in.u8();
                const std::size_t piece = in.u8();
                std::uint8_t outer[3] = {23, 3, 3};
                if ((op & 8) != 0)
                    for (auto& b : outer) b = in.u8();
                byte_view content;
                if ((op & 3) == 0) {
                    content = in.take(length);
                } else {
                    const std::size_t n = std::min(length, h.real_peer.size() - h.real_at);
                    content = byte_view(h.real_peer).subspan(h.real_at, n);
                    h.real_at += n;
                }
                inner.assign(content.begin(), content.end());
                inner.push_back(inner_type);
                inner.resize(std::min<std::size_t>(inner.size() + padding, 0xffff - 16));
                const auto record = h.key->seal(outer[0], outer[1], outer[2], inner);
                const bool plain_app_data = inner_type == 23 && outer[0] == 23 && outer[1] == 3 && outer[2] == 3;
                h.feed(record, piece, plain_app_data ? std::optional<byte_view>(content) : std::nullopt);
                break;
            }
            case 2: {
                const std::size_t length = in.u16();
                const std::size_t piece = in.u8();
                h.feed(in.take(length), piece, std::nullopt);
                break;
            }
            default: h.api_call(in.u8()); break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    input_reader in(byte_view(data, size));
    const std::uint8_t config = in.u8(), limit = in.u8();
    const tls::cipher_suite suite = tls::all_suites[(config & 3) % 3].id;
    const bool server_target = (config & 4) != 0, mid_handshake = (config & 8) != 0;

    static const std::vector<std::uint8_t> server_leaf = unhex(fuzz_support::server_leaf_hex);
    static const std::vector<std::uint8_t> client_leaf = unhex(fuzz_support::client_leaf_hex);
    static const byte_view server_chain[1] = {server_leaf};
    static const byte_view client_chain[1] = {client_leaf};
    static const bytes<32> seed{};
    static tls::ed25519_signer signer(seed);
    static tls::x25519_key_exchange x25519;
    static tls::key_exchange* groups[1] = {&x25519};
    static accept_all verifier;
    counter_random client_random, server_random;
    secret_log client_keys, server_keys;
    const tls::cipher_suite suites[1] = {suite};
    const auto record_size_limit = static_cast<std::uint16_t>(std::min(64 + 64 * std::size_t{limit}, std::size_t{16385}));

    tls::client_config cc;
    cc.server_name = "localhost";
    cc.cipher_suites = suites;
    cc.key_exchanges = groups;
    cc.verifier = &verifier;
    cc.random = &client_random;
    cc.key_log = &client_keys;
    cc.middlebox_compatibility = (config & 16) != 0;
    tls::server_config sc;
    sc.cipher_suites = suites;
    sc.certificate_chain = server_chain;
    sc.signer = &signer;
    sc.key_exchanges = groups;
    sc.random = &server_random;
    sc.verifier = &verifier;
    sc.key_log = &server_keys;
    if ((config & 32) != 0) (server_target ? sc.record_size_limit : cc.record_size_limit) = record_size_limit;
    if ((config & 32) != 0 && server_target) cc.record_size_limit = 16385;  // RFC 8449: the server only answers
    if ((config & 64) != 0) {
        sc.request_client_certificate = true;
        cc.certificate_chain = client_chain;
        cc.signer = &signer;
    }

    tls::client client(cc);
    tls::server server(sc);
    std::vector<std::uint8_t> out(1 << 17), flight, reply;
    auto take = [&](const tls::io_result& r) { return std::vector<std::uint8_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.produced)); };

    const auto hello = take(client.start(out));
    const auto server_first = server.receive(hello, out);
    require(server_first.what == tls::event::need_input && server_first.consumed == hello.size());
    flight = take(server_first);
    const std::size_t plaintext_records = cc.middlebox_compatibility ? 2 : 1;  // ServerHello [, ChangeCipherSpec]

    if (!server_target) {
        harness<tls::client> h(client, client_keys, true, (config & 128) != 0);
        const std::size_t cut = records_prefix(flight, plaintext_records);
        if (mid_handshake) {
            // The client has the ServerHello; the rest of the server's flight is ours to send.
            h.feed(byte_view(flight).first(cut), 0, std::nullopt);
            const logged_secret* s = server_keys.last("SERVER_HANDSHAKE_TRAFFIC_SECRET");
            require(s != nullptr && !h.stopped());
            h.key.emplace(*tls::find_suite(static_cast<std::uint16_t>(suite)), s->secret);
            h.real_peer = decrypt_flight(byte_view(flight).subspan(cut), *h.key);
        } else {
            h.feed(flight, 0, std::nullopt);
            require(client.handshake_complete() && h.key.has_value());
            h.real_peer.assign(std::begin(post_handshake_messages), std::end(post_handshake_messages));
        }
        run_operations(h, in);
    } else {
        const auto client_reply = client.receive(flight, out);
        require(client_reply.what == tls::event::handshake_complete);
        reply = take(client_reply);
        harness<tls::server> h(server, server_keys, false, (config & 128) != 0);
        const logged_secret* s = client_keys.last("CLIENT_HANDSHAKE_TRAFFIC_SECRET");
        require(s != nullptr);
        h.key.emplace(*tls::find_suite(static_cast<std::uint16_t>(suite)), s->secret);
        if (mid_handshake) {
            h.real_peer = decrypt_flight(reply, *h.key);
        } else {
            h.feed(reply, 0, std::nullopt);
            require(server.handshake_complete());
            h.real_peer.assign(std::begin(post_handshake_messages), std::end(post_handshake_messages));
        }
        run_operations(h, in);
    }
    return 0;
}
