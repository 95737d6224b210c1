// The record layer alone (tls/detail/record_layer.hpp).
//
// Input: byte 0 picks the reader's setup (bit 0: protected with the fixed key below; bit 1:
// accept ChangeCipherSpec; bits 2-3: early-data skip mode; bit 4: ChaCha20 instead of AES-GCM),
// bytes 1-2 an RFC 8449 limit (64 and up), then a stream of records. Each record is framed by its
// header as the engine frames it (check_header first) and opened; an opened record must lie
// within the record and within the limits. Then the same bytes, as content, go through a flight
// cut to the limit and sealed with the key; the reader with that key must give back exactly the
// content, record by record, each within the limits.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/tls/detail/record_layer.hpp"

namespace {

using namespace carapace;
namespace tls = carapace::tls;
namespace detail = carapace::tls::detail;

void require(bool ok) {
    if (!ok) std::abort();
}

detail::secret fixed_secret() {
    detail::secret s;
    const byte_span b = s.span(32);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return s;
}

const tls::suite_info& pick_suite(bool chacha) {
    for (const auto& s : tls::all_suites)
        if ((s.aead == tls::aead_kind::chacha20_poly1305) == chacha && s.hash_size == 32) return s;
    return tls::all_suites[0];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::uint8_t setup = data[0];
    const std::size_t limit = std::max<std::size_t>(64, static_cast<std::size_t>(data[1]) << 8 | data[2]);
    const tls::suite_info& suite = pick_suite((setup & 16) != 0);
    std::vector<std::uint8_t> stream(data + 3, data + size);

    detail::record_reader reader;
    if (setup & 1) reader.install(suite, fixed_secret());
    reader.accept_change_cipher_spec((setup & 2) != 0);
    reader.skip_early_data(static_cast<detail::record_reader::early_data_skip>((setup >> 2) % 3));
    reader.limit_inner_plaintext(limit);
    std::size_t at = 0;
    while (stream.size() - at >= detail::record_header_size) {
        const byte_view header = byte_view(stream).subspan(at, detail::record_header_size);
        if (reader.check_header(header) != tls::error::none) break;
        const std::size_t total = detail::record_header_size + detail::record_reader::body_length(header);
        if (total > stream.size() - at) break;
        const byte_span record = byte_span(stream).subspan(at, total);
        const auto opened = reader.open(record);
        if (opened.failure != tls::error::none) break;
        if (!opened.dropped) {
            require(opened.content.data() >= record.data() + detail::record_header_size);
            require(opened.content.data() + opened.content.size() <= record.data() + record.size());
            if (opened.was_protected) require(opened.content.size() + 1 <= std::min(limit, detail::max_inner_plaintext));
            else require(opened.content.size() <= detail::max_plaintext_size);
        }
        at += total;
    }

    // Round trip: the input as content, cut and sealed, opens to itself.
    const byte_view content(data + 3, size - 3);
    if (content.empty()) return 0;
    detail::record_writer writer;
    writer.install(suite, fixed_secret());
    writer.limit_inner_plaintext(limit);
    std::vector<std::uint8_t> out(writer.records_size(content.size()));
    detail::flight f(out);
    std::copy(content.begin(), content.end(), f.content_space().begin());
    f.commit(content.size());
    f.flush(writer, tls::content_type::application_data);
    require(f.ok() && f.size() == out.size());
    detail::record_reader peer;
    peer.install(suite, fixed_secret());
    peer.limit_inner_plaintext(limit);
    std::vector<std::uint8_t> back;
    for (std::size_t pos = 0; pos < out.size();) {
        const byte_view header = byte_view(out).subspan(pos, detail::record_header_size);
        require(peer.check_header(header) == tls::error::none);
        const std::size_t total = detail::record_header_size + detail::record_reader::body_length(header);
        const auto opened = peer.open(byte_span(out).subspan(pos, total));
        require(opened.failure == tls::error::none && opened.type == tls::content_type::application_data);
        require(!opened.content.empty() && opened.content.size() <= std::min(limit - 1, detail::max_plaintext_size));
        back.insert(back.end(), opened.content.begin(), opened.content.end());
        pos += total;
    }
    require(back.size() == content.size() && std::equal(back.begin(), back.end(), content.begin()));
    return 0;
}
