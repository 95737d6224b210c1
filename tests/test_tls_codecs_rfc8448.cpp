// Every handshake message of the RFC 8448 traces through its codec: it decodes, and encoding the
// decoded message gives the trace's bytes again (for a ClientHello, with its unrecognized
// extensions handed back as raw extensions in their wire order, as a client configures them).
// This is what lets the engines send through the codecs and stay byte-exact.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/tls/detail/codec/certificate.hpp"
#include "carapace/tls/detail/codec/certificate_request.hpp"
#include "carapace/tls/detail/codec/certificate_verify.hpp"
#include "carapace/tls/detail/codec/client_hello.hpp"
#include "carapace/tls/detail/codec/encrypted_extensions.hpp"
#include "carapace/tls/detail/codec/end_of_early_data.hpp"
#include "carapace/tls/detail/codec/finished.hpp"
#include "carapace/tls/detail/codec/handshake_message.hpp"
#include "carapace/tls/detail/codec/new_session_ticket.hpp"
#include "carapace/tls/detail/codec/server_hello.hpp"
#include "support/rfc8448_replay.hpp"
#include "support/tls_codec_bytes.hpp"

namespace {

using codec_bytes::buffer;

template <class T>
buffer message_of(const T& m) {
    buffer out(1 << 16);
    carapace::tls::detail::writer w(out);
    cc::encode_message(w, m);
    REQUIRE(w.ok());
    out.resize(w.size());
    return out;
}

// Decodes `message` as T with decode(body, m, context...) and encodes it back.
template <class T, class... Context>
buffer again(const buffer& message, std::size_t& ignored, const Context&... context) {
    T m;
    REQUIRE(cc::decode(carapace::byte_view(message).subspan(4), m, context...) == carapace::tls::error::none);
    if constexpr (requires { m.ignored_extensions; }) ignored = m.ignored_extensions;
    return message_of(m);
}

// A ClientHello as its sender would describe it: the decoded fields, plus its unrecognized
// extensions as raw ones and the whole wire order.
buffer client_hello_again(const buffer& message, cc::extension_set& offered) {
    cc::client_hello ch;
    REQUIRE(cc::decode(carapace::byte_view(message).subspan(4), ch) == carapace::tls::error::none);
    offered = ch.present;
    std::vector<carapace::tls::extension_type> order;
    std::vector<carapace::tls::raw_extension> raw;
    const auto extensions = test_support::rfc8448::extensions_of(message);
    for (const auto& e : extensions) {
        if (e.type != static_cast<std::uint16_t>(carapace::tls::extension_type::pre_shared_key))
            order.push_back(static_cast<carapace::tls::extension_type>(e.type));
        if (!cc::is_recognized(e.type)) raw.push_back({e.type, carapace::byte_view(e.data)});
    }
    CHECK(ch.ignored_extensions == raw.size());
    ch.order = order;
    ch.extra_extensions = raw;
    return message_of(ch);
}

// RFC 8448 §4 lists the resumed ClientHello without its binders (the PSK binder is computed over
// exactly that prefix): the whole message is the prefix and the binders list holding the binder of
// the "calculate PSK binder" step.
buffer complete_client_hello(const test_json::value& trace, buffer message) {
    const std::size_t declared = 4 + (std::size_t{message.at(1)} << 16 | std::size_t{message.at(2)} << 8 | message.at(3));
    if (declared == message.size()) return message;
    buffer binder;
    for (const auto& step : trace["steps"])
        if (step["action"].str().rfind("calculate PSK binder", 0) == 0 && step["fields"].has("finished"))
            binder = test_support::unhex(step["fields"]["finished"].str());
    REQUIRE(binder.size() == 32);
    const std::size_t prefix = message.size();
    message = codec_bytes::cat({message, codec_bytes::vec16(codec_bytes::vec8(binder))});
    REQUIRE(message.size() == declared);
    CHECK(cc::truncated_client_hello_length(carapace::byte_view(message)) == prefix);
    return message;
}

}  // namespace

TEST_CASE("TLS codec RFC 8448: every handshake message of every trace decodes and re-encodes byte for byte") {
    std::size_t checked = 0;
    for (const auto& trace : test_support::rfc8448::rfc8448()["traces"]) {
        cc::extension_set offered;
        for (const auto& step : trace["steps"]) {
            if (step["action"].str().rfind("construct a", 0) != 0) continue;
            for (const std::string name : {"ClientHello", "ServerHello", "EncryptedExtensions", "CertificateRequest",
                                           "Certificate", "CertificateVerify", "Finished", "NewSessionTicket",
                                           "EndOfEarlyData"}) {
                if (!step["fields"].has(name)) continue;
                const buffer message = complete_client_hello(trace, test_support::unhex(step["fields"][name].str()));
                CAPTURE(trace["title"].str());
                CAPTURE(name);
                std::size_t ignored = 0;
                buffer out;
                switch (static_cast<carapace::tls::handshake_type>(message.at(0))) {
                    case carapace::tls::handshake_type::client_hello: out = client_hello_again(message, offered); break;
                    case carapace::tls::handshake_type::server_hello:
                        out = again<cc::server_hello>(message, ignored, offered);
                        break;
                    case carapace::tls::handshake_type::encrypted_extensions:
                        out = again<cc::encrypted_extensions>(message, ignored, offered);
                        break;
                    case carapace::tls::handshake_type::certificate_request:
                        out = again<cc::certificate_request>(message, ignored);
                        break;
                    case carapace::tls::handshake_type::certificate:
                        out = again<cc::certificate>(message, ignored, cc::extension_set{});
                        break;
                    case carapace::tls::handshake_type::certificate_verify:
                        out = again<cc::certificate_verify>(message, ignored);
                        break;
                    case carapace::tls::handshake_type::finished:
                        out = again<cc::finished>(message, ignored, std::size_t{32});
                        break;
                    case carapace::tls::handshake_type::new_session_ticket:
                        out = again<cc::new_session_ticket>(message, ignored);
                        break;
                    case carapace::tls::handshake_type::end_of_early_data:
                        out = again<cc::end_of_early_data>(message, ignored);
                        break;
                    default: FAIL("unexpected message type " << int(message[0]));
                }
                CHECK(ignored == 0);
                CHECK(out == message);
                ++checked;
            }
        }
    }
    // 6 ClientHellos, 6 ServerHellos, 5 EncryptedExtensions, 1 CertificateRequest, 5 Certificates,
    // 5 CertificateVerifys, 10 Finished, 1 NewSessionTicket, 1 EndOfEarlyData.
    CHECK(checked == 40);
}
