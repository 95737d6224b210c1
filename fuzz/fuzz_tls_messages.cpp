// Every TLS 1.3 handshake-message decoder on arbitrary bytes (the first byte picks the decoder):
// nothing may crash or read out of bounds, and every view a decoder hands back must lie inside
// the input.
#include <cstdint>
#include <cstdlib>

#include "carapace/tls/detail/messages.hpp"

namespace {

using namespace carapace;
using namespace carapace::tls;

const std::uint8_t* begin_;
const std::uint8_t* end_;

void inside(byte_view v) {
    if (v.empty()) return;
    if (v.data() < begin_ || v.data() + v.size() > end_) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const byte_view body(data + 1, size - 1);
    begin_ = body.data();
    end_ = body.data() + body.size();
    switch (data[0] % 8) {
        case 0: {
            detail::client_hello ch;
            if (detail::decode_client_hello(body, ch) == error::none) {
                for (auto v : {ch.random, ch.session_id, ch.cipher_suites, ch.server_name, ch.groups, ch.key_shares,
                               ch.versions, ch.signature_algorithms, ch.alpn, ch.cookie})
                    inside(v);
                if (ch.random.size() != 32 || ch.session_id.size() > 32) std::abort();
                (void)detail::for_each_key_share(ch.key_shares, [](std::uint16_t, byte_view share) { inside(share); });
            }
            break;
        }
        case 1: {
            detail::server_hello sh;
            if (detail::decode_server_hello(body, sh) == error::none) {
                for (auto v : {sh.random, sh.session_id, sh.key_share, sh.cookie}) inside(v);
                if (sh.random.size() != 32) std::abort();
            }
            break;
        }
        case 2: {
            detail::encrypted_extensions ee;
            if (detail::decode_encrypted_extensions(body, true, true, true, ee) == error::none) inside(ee.alpn);
            break;
        }
        case 3: {
            detail::certificate_message cm;
            if (detail::decode_certificate(body, cm) == error::none) {
                if (cm.chain_length > detail::max_chain_length) std::abort();
                for (std::size_t i = 0; i < cm.chain_length; ++i) inside(cm.chain[i]);
            }
            break;
        }
        case 4: {
            detail::certificate_request cr;
            if (detail::decode_certificate_request(body, cr) == error::none) inside(cr.signature_algorithms);
            break;
        }
        case 5: {
            detail::certificate_verify cv;
            if (detail::decode_certificate_verify(body, cv) == error::none) inside(cv.signature);
            break;
        }
        case 6: {
            bool requested = false;
            (void)detail::decode_key_update(body, requested);
            break;
        }
        default: (void)detail::decode_new_session_ticket(body); break;
    }
    return 0;
}
