// Proof that the constant-time check can fail: two classic leaks, run on a secret. The checker
// must report both (scripts/ct-check looks for each function's name in its report).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "checker.hpp"

namespace ct_check {

// A tag comparison that returns at the first difference: a branch on secret bytes.
[[gnu::noinline]] inline bool leaky_early_exit_compare(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// An S-box lookup: a memory address chosen by a secret byte (how table-based AES leaks its key).
[[gnu::noinline]] inline std::uint8_t leaky_table_lookup(std::uint8_t secret) {
    static const std::array<std::uint8_t, 256> sbox = [] {
        std::array<std::uint8_t, 256> t{};
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<std::uint8_t>(i * 167 + 13);
        return t;
    }();
    return sbox[secret];
}

inline int run_planted_leak() {
    std::array<std::uint8_t, 16> key{}, tag{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = tag[i] = static_cast<std::uint8_t>(i * 31 + 5);
    tag[9] ^= 1;
    mark_secret(key);
    bool equal = leaky_early_exit_compare(key.data(), tag.data(), key.size());
    std::uint8_t looked_up = leaky_table_lookup(key[3]);
    mark_public(equal);
    mark_public(looked_up);
    std::printf("planted leak ran under %s (equal: %d, lookup: %u): the checker must report it\n", checker_name,
                equal ? 1 : 0, static_cast<unsigned>(looked_up));
    return 0;
}

}  // namespace ct_check
