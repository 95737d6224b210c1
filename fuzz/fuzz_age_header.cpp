// The age v1 header and armor parsers on arbitrary bytes. Nothing may crash, and what parses must
// be canonical: a parsed header, rebuilt stanza by stanza with header_writer, gives the same bytes
// back (so the MAC covers exactly what was read), and armor that decodes re-encodes to armor that
// decodes to the same bytes; the streaming armor decoder, fed in pieces the input itself chooses
// through a one-line output buffer, gives what the one-shot decode gives. open_header runs too,
// with an X25519 identity, a hybrid (ML-KEM-768 + X25519) identity and a KEK ring, so the stanza
// checks of each recipient type are reached.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "carapace/envelope/envelope.hpp"

namespace {

namespace env = carapace::envelope;

void require(bool condition) {
    if (!condition) std::abort();
}

void check_header(std::string_view text) {
    env::header_view h;
    if (env::parse_header(text, h) != env::error::ok) return;
    require(h.text.size() <= text.size() && h.mac_input_size < h.text.size());
    std::vector<char> out(h.text.size() + 64);
    env::header_writer w(out);
    env::stanza_reader reader(h);
    env::stanza s;
    std::size_t count = 0;
    while (reader.next(s)) {
        std::vector<std::string_view> args;
        for (std::size_t i = 0; i < s.arg_count; ++i) args.push_back(s.arg(i));
        std::vector<std::uint8_t> body(s.body_size());
        std::size_t n = 0;
        require(s.decode_body(body, n) == env::error::ok && n == body.size());
        require(w.add(s.type, args, body) == env::error::ok);
        ++count;
    }
    require(count == h.stanza_count);
    const std::size_t size = w.finish(h.mac);
    require(std::string_view(out.data(), size) == h.text);

    // Unwrapping with an identity and a ring of one KEK: any result but a crash.
    carapace::bytes<32> sk{};
    sk[0] = 1;
    env::x25519_identity id(sk);
    static env::hybrid_identity pq(sk);  // its key derivation costs an ML-KEM KeyGen: once
    const env::kek keys[] = {{"fuzz", 1, {}}};
    env::kek_ring ring(keys, "fuzz", 1);
    env::key_wrapper* ids[] = {&id, &pq, &ring};
    env::opened_header opened;
    (void)env::open_header(text, ids, opened);
}

// The streaming decoder in pieces of 1 to 97 bytes (sized by the input's own bytes), with 48
// bytes of output at a time: the same status and bytes as the one-shot decode.
void check_streaming_armor(std::string_view text, env::error whole, carapace::byte_view decoded) {
    env::armor::decoder d;
    std::vector<std::uint8_t> out;
    carapace::bytes<48> buffer{};
    env::error e = env::error::ok;
    std::size_t pos = 0;
    while (pos < text.size() && e == env::error::ok) {
        const std::size_t piece = std::min<std::size_t>(text.size() - pos, 1 + static_cast<std::uint8_t>(text[pos]) % 97);
        std::string_view rest = text.substr(pos, piece);
        while (!rest.empty() && e == env::error::ok) {
            const auto step = d.update(rest, buffer);
            out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(step.produced));
            e = step.status;
            require(step.consumed > 0 || step.produced > 0 || e != env::error::ok);
            rest.remove_prefix(step.consumed);
        }
        pos += piece;
    }
    if (e == env::error::ok) e = d.finish();
    require(e == whole);
    if (e == env::error::ok) require(out.size() == decoded.size() && std::equal(out.begin(), out.end(), decoded.begin()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_header(text);

    std::vector<std::uint8_t> decoded(size);
    std::size_t n = 0;
    const env::error e = env::armor::decode(text, decoded, n);
    require(e == env::error::ok || e == env::error::armor_malformed);
    check_streaming_armor(text, e, carapace::byte_view(decoded.data(), e == env::error::ok ? n : 0));
    if (e == env::error::ok) {
        require(env::armor::looks_armored(text));
        std::vector<char> again(env::armor::encoded_size(n));
        require(env::armor::encode(carapace::byte_view(decoded.data(), n), again) == again.size());
        std::vector<std::uint8_t> twice(again.size());
        std::size_t m = 0;
        require(env::armor::decode(std::string_view(again.data(), again.size()), twice, m) == env::error::ok);
        require(m == n && std::equal(decoded.begin(), decoded.begin() + static_cast<std::ptrdiff_t>(n), twice.begin()));
        check_header(std::string_view(reinterpret_cast<const char*>(decoded.data()), n));
    }
    return 0;
}
