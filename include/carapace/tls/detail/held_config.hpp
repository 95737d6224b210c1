// How an engine holds its configuration: a copy of its own (the default: the caller's struct may
// go away after construction), or, with lent buffers, a reference to the caller's, so that many
// small engines share one configuration and carry a pointer each instead of a few hundred bytes.
#pragma once

#include <type_traits>

#include "carapace/tls/interfaces.hpp"

namespace carapace::tls::detail {

// A role's configuration: its own copy, or with lent buffers a reference to the caller's (one
// configuration shared by many small engines).
template <class Config, buffering Buffers>
class held_config {
public:
    explicit held_config(const Config& c) noexcept : config_(hold(c)) {}
    const Config& get() const noexcept {
        if constexpr (Buffers == buffering::lent)
            return *config_;
        else
            return config_;
    }

private:
    using stored = std::conditional_t<Buffers == buffering::lent, const Config*, Config>;
    static stored hold(const Config& c) noexcept {
        if constexpr (Buffers == buffering::lent)
            return &c;
        else
            return c;
    }
    stored config_;
};

}  // namespace carapace::tls::detail
