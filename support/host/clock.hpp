// The time for the engine's clock interface: the system's, in seconds since the epoch. Shared by
// carapace-tool and the examples; not part of the library, which does no I/O.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>

#include "carapace/tls/interfaces.hpp"

namespace host {

class system_clock final : public carapace::tls::clock {
public:
    std::optional<std::int64_t> now() noexcept override { return static_cast<std::int64_t>(std::time(nullptr)); }
};

}  // namespace host
