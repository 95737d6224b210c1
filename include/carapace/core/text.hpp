// Parts of a std::string_view that never throw. std::string_view::substr and ::copy throw
// std::out_of_range for a position past the end, so using them links the exception-throwing
// support (and through it abort, signal handling and malloc) into builds without exceptions.
#pragma once

#include <cstddef>
#include <string_view>

namespace carapace {

// s[pos, pos + count), both clamped to s: empty when pos is past the end.
[[nodiscard]] constexpr std::string_view subview(std::string_view s, std::size_t pos,
                                                 std::size_t count = std::string_view::npos) noexcept {
    if (pos > s.size()) pos = s.size();
    const std::size_t rest = s.size() - pos;
    return {s.data() + pos, count < rest ? count : rest};
}

}  // namespace carapace
