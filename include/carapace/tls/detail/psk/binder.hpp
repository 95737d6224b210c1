// PSK binders (RFC 8446 §4.2.11.2): the HMAC a ClientHello carries for each PSK it offers, which
// proves the client holds the key and binds the PSK to this hello. It is computed as a Finished
// is (§4.4.4), from the binder key of the PSK's early secret ("ext binder" for an external PSK,
// "res binder" for a resumption one), over the transcript up to and including the ClientHello
// truncated before its binders list (after a HelloRetryRequest, the first hello's message_hash
// and the HelloRetryRequest come first).
#pragma once

#include "carapace/core/bytes.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/detail/key_schedule.hpp"

namespace carapace::tls::detail {

// The binder of `psk` over `transcript_hash` (the hash of the prefix described above).
constexpr digest psk_binder(hash_kind kind, byte_view psk, bool resumption, byte_view transcript_hash) noexcept {
    const early_secret early(kind, psk);
    const secret key = early.binder_key(resumption);
    return finished_verify_data(kind, key, transcript_hash);
}

}  // namespace carapace::tls::detail
