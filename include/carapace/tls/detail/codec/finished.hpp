// Finished (RFC 8446 §4.4.4): verify_data, exactly as long as the suite's hash. The decoder takes
// that length and answers decode_error for any other (also for a body longer than the handshake
// buffer: the reassembly layer reports the declared length, this codec judges it). Comparing
// verify_data with the expected value, in constant time, is the state machine's job
// (decrypt_error).
#pragma once

#include <cstddef>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"
#include "carapace/tls/detail/codec/lists.hpp"
#include "carapace/tls/detail/wire.hpp"

namespace carapace::tls::detail::codec {

struct finished {
    static constexpr handshake_type type = handshake_type::finished;
    byte_view verify_data;
    friend constexpr bool operator==(const finished& a, const finished& b) noexcept {
        return same_bytes(a.verify_data, b.verify_data);
    }
};

constexpr void encode(writer& w, const finished& f) noexcept { w.bytes(f.verify_data); }

// The message length alone decides: a Finished whose declared length is not the hash size is
// decode_error without reading it (see finished_length_ok for the check before reassembly).
constexpr bool finished_length_ok(std::size_t body_length, std::size_t hash_size) noexcept {
    return body_length == hash_size;
}

[[nodiscard]] constexpr error decode(byte_view body, finished& f, std::size_t hash_size) noexcept {
    f = finished{};
    if (!finished_length_ok(body.size(), hash_size)) return error::decode_error;
    f.verify_data = body;
    return error::none;
}

}  // namespace carapace::tls::detail::codec
