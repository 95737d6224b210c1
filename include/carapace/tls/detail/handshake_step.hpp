// What a role's handling of one handshake message led to, as the receive loop (connection.hpp)
// takes it: a failure, or an event to report, or neither (carry on with the next message).
#pragma once

#include "carapace/tls/error.hpp"
#include "carapace/tls/events.hpp"

namespace carapace::tls::detail {

// What handling one handshake message led to.
struct step {
    error failure = error::none;
    event what = event::need_input;  // need_input: nothing to report, carry on
};

}  // namespace carapace::tls::detail
