// What one call into an engine did: input taken, output written, and what happened.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/tls/error.hpp"
#include "carapace/tls/protocol.hpp"

namespace carapace::tls {

// What happened in a call, and so what the caller does next (io_result::what).
enum class event : std::uint8_t {
    need_input,          // nothing more to do until more bytes arrive
    handshake_complete,  // the handshake finished; application data may flow both ways
    app_data,            // `data` holds received plaintext, valid until the next call
    key_update,          // the peer updated its keys (any response is already in the output)
    peer_closed,         // the peer sent close_notify; nothing more will arrive
    need_output_space,   // the output buffer is smaller than `needed`; nothing was done
    fatal,               // the connection failed: `failure`, and `alert` sent or received; every
                         // later call reports the same failure
    refused,             // the call is not allowed now (`failure`: wrong_state, closed,
                         // buffer_too_small, or no_buffer when a lent-buffers engine's pool has
                         // no block free); nothing changed and the connection goes on
    signature_needed,    // our signer answered "pending": sign `data` with the scheme it was asked
                         // for, then call complete_signature()
    verification_needed, // the certificate verifier answered "pending": call
                         // complete_verification() with its verdict, then receive() again
    early_data,          // server: `data` holds 0-RTT plaintext (RFC 8446 §2.3), replayable by
                         // nature, so only for requests that are safe to repeat; valid until the
                         // next call
    early_data_accepted, // client: the server took our early data (§4.2.10)
    early_data_rejected, // client: the server skipped our early data; resend what must arrive
                         // with send() once the handshake is complete
};

// The outcome of one call into an engine.
struct io_result {
    std::size_t consumed = 0;  // input bytes taken; pass the rest again
    std::size_t produced = 0;  // output bytes written; send all of them, in order
    event what = event::need_input;  // what happened: says which other fields apply
    byte_view data;            // app_data, early_data: the plaintext; signature_needed: the content to sign
    error failure = error::none;  // fatal and refused: why
    alert_description alert = alert_description::close_notify;  // fatal: the alert sent or received
    std::size_t needed = 0;    // need_output_space: how large the output buffer must be
};

}  // namespace carapace::tls
