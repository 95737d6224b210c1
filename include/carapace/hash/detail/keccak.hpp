// Keccak-f[1600] and the sponge over it (FIPS 202 §3 and §4): the permutation SHA-3, SHAKE and
// ML-KEM share. The round constants and rotation offsets are computed here from the
// specification's own definitions (Algorithm 5 rc(t) and Algorithm 2 rho offsets), so no table
// is copied in. Every table index is a loop position, never data: the permutation runs in the
// same time whatever the state holds, and works in constant evaluation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// The state as 25 lanes: lane x + 5y is A[x, y] of FIPS 202 §3.1.2, its bytes little-endian.
using keccak_state = std::array<std::uint64_t, 25>;

namespace keccak_tables {

constexpr std::uint64_t rotl(std::uint64_t v, unsigned r) noexcept {
    return r == 0 ? v : (v << r) | (v >> (64 - r));
}

// rc(t), FIPS 202 Algorithm 5: an LFSR over 8 bits, bit i of `r` being R[i].
constexpr unsigned rc_bit(unsigned t) noexcept {
    unsigned r = 1;
    for (unsigned i = 1; i <= t % 255; ++i) {
        r <<= 1;
        const unsigned r8 = (r >> 8) & 1;
        r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
        r &= 0xff;
    }
    return r & 1;
}

// RC for round i_r, FIPS 202 Algorithm 6 step 2-3: bit 2^j - 1 is rc(j + 7 i_r).
constexpr std::array<std::uint64_t, 24> round_constants = [] {
    std::array<std::uint64_t, 24> rc{};
    for (unsigned round = 0; round < 24; ++round)
        for (unsigned j = 0; j <= 6; ++j)
            rc[round] |= std::uint64_t{rc_bit(j + 7 * round)} << ((1u << j) - 1);
    return rc;
}();

// The rho offsets of FIPS 202 Algorithm 2, by lane index x + 5y.
constexpr std::array<unsigned, 25> rho_offsets = [] {
    std::array<unsigned, 25> r{};
    unsigned x = 1, y = 0;
    for (unsigned t = 0; t < 24; ++t) {
        r[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const unsigned nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
    }
    return r;
}();

// pi (Algorithm 3) moves A[x, y] to A'[y, 2x + 3y]: destination lane of each source lane.
constexpr std::array<unsigned, 25> pi_destination = [] {
    std::array<unsigned, 25> d{};
    for (unsigned x = 0; x < 5; ++x)
        for (unsigned y = 0; y < 5; ++y) d[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
    return d;
}();

}  // namespace keccak_tables

// Keccak-p[1600, 24] (FIPS 202 §3.3): theta, rho and pi, chi, iota per round.
constexpr void keccak_f1600(keccak_state& a) noexcept {
    using namespace keccak_tables;
    for (unsigned round = 0; round < 24; ++round) {
        std::uint64_t c[5];
        for (unsigned x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (unsigned x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            for (unsigned y = 0; y < 25; y += 5) a[x + y] ^= d;
        }
        std::uint64_t b[25];
        for (unsigned i = 0; i < 25; ++i) b[pi_destination[i]] = rotl(a[i], rho_offsets[i]);
        for (unsigned y = 0; y < 25; y += 5)
            for (unsigned x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        a[0] ^= round_constants[round];
    }
}

// The sponge of FIPS 202 §4 with Rate bytes of rate and the domain bits plus the first padding
// bit folded into one byte (SHA-3: 0x06, SHAKE: 0x1f; §6.1, §6.2, B.2). Absorb any split, then
// pad once, then squeeze any split. Byte positions are public (lengths), so the lane access is too.
template <std::size_t Rate, std::uint8_t Domain>
class keccak_sponge {
    static_assert(Rate % 8 == 0 && Rate < 200);

public:
    static constexpr std::size_t rate = Rate;

    constexpr keccak_sponge() noexcept = default;
    constexpr keccak_sponge(const keccak_sponge&) noexcept = default;
    constexpr keccak_sponge& operator=(const keccak_sponge&) noexcept = default;
    constexpr ~keccak_sponge() { reset(); }

    constexpr void absorb(byte_view data) noexcept {
        const std::uint8_t* p = data.data();
        std::size_t n = data.size();
        while (n != 0 && position_ % 8 != 0) {
            xor_byte(position_++, *p++);
            --n;
            if (position_ == Rate) permute();
        }
        while (n >= 8) {
            state_[position_ / 8] ^= load_le64(p);
            position_ += 8;
            p += 8;
            n -= 8;
            if (position_ == Rate) permute();
        }
        while (n != 0) {
            xor_byte(position_++, *p++);
            --n;
        }
    }

    // pad10*1 after the domain bits, then the first permutation of the squeezing phase is due.
    constexpr void finish_absorbing() noexcept {
        xor_byte(position_, Domain);
        xor_byte(Rate - 1, 0x80);
        position_ = Rate;
    }

    constexpr void squeeze(byte_span out) noexcept {
        std::uint8_t* p = out.data();
        std::size_t n = out.size();
        while (n != 0) {
            if (position_ == Rate) {
                keccak_f1600(state_);
                position_ = 0;
            }
            if (position_ % 8 == 0 && n >= 8 && position_ + 8 <= Rate) {
                store_le64(p, state_[position_ / 8]);
                p += 8;
                n -= 8;
                position_ += 8;
                continue;
            }
            *p++ = static_cast<std::uint8_t>(state_[position_ / 8] >> (8 * (position_ % 8)));
            ++position_;
            --n;
        }
    }

    constexpr void reset() noexcept {
        secure_wipe(state_);
        position_ = 0;
    }

private:
    constexpr void xor_byte(std::size_t i, std::uint8_t b) noexcept {
        state_[i / 8] ^= std::uint64_t{b} << (8 * (i % 8));
    }
    constexpr void permute() noexcept {
        keccak_f1600(state_);
        position_ = 0;
    }

    keccak_state state_{};
    std::size_t position_ = 0;  // next byte of the rate to absorb into or squeeze from
};

}  // namespace carapace::detail
