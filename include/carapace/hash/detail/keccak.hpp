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
#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/inline.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// The state as 25 lanes: lane x + 5y is A[x, y] of FIPS 202 §3.1.2, its bytes little-endian.
using keccak_state = std::array<std::uint64_t, 25>;

namespace keccak_tables {

constexpr std::uint64_t rotl(std::uint64_t v, unsigned r) noexcept {
    return r == 0 ? v : (v << r) | (v >> (64 - r));
}

// RC for round i_r, FIPS 202 Algorithm 6 step 2-3: bit 2^j - 1 is rc(j + 7 i_r), where rc(t) is
// bit 0 of an 8-bit LFSR after t steps (Algorithm 5: bit i of `r` is R[i]). The t the rounds
// ask for run 0, 1, ..., 167 in order, so one pass of the LFSR serves them all.
constexpr std::array<std::uint64_t, 24> round_constants = [] {
    std::array<std::uint64_t, 24> rc{};
    unsigned r = 1;
    for (unsigned round = 0; round < 24; ++round)
        for (unsigned j = 0; j <= 6; ++j) {
            rc[round] |= std::uint64_t{r & 1} << ((1u << j) - 1);
            r <<= 1;
            const unsigned r8 = (r >> 8) & 1;
            r = (r ^ (r8 | (r8 << 4) | (r8 << 5) | (r8 << 6))) & 0xff;
        }
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

// Keccak-p[1600, 24] (FIPS 202 §3.3): theta, rho and pi, chi, iota per round. The lanes are named
// variables a<x><y> (lane x + 5y of the state) so that the compiler keeps them in registers; the
// step mappings are written out lane by lane, as §3.2 defines them: c<x> and d<x> of theta,
// B[y, 2x + 3y] = rot(A[x, y] ^ D[x], r[x, y]) for rho and pi, then chi on B. Always inlined, so
// that each variant below compiles it for its own instruction set.
CARAPACE_ALWAYS_INLINE constexpr void keccak_f1600_rounds(keccak_state& a) noexcept {
    using namespace keccak_tables;
    std::uint64_t a00 = a[0], a10 = a[1], a20 = a[2], a30 = a[3], a40 = a[4];
    std::uint64_t a01 = a[5], a11 = a[6], a21 = a[7], a31 = a[8], a41 = a[9];
    std::uint64_t a02 = a[10], a12 = a[11], a22 = a[12], a32 = a[13], a42 = a[14];
    std::uint64_t a03 = a[15], a13 = a[16], a23 = a[17], a33 = a[18], a43 = a[19];
    std::uint64_t a04 = a[20], a14 = a[21], a24 = a[22], a34 = a[23], a44 = a[24];
    for (unsigned round = 0; round < 24; ++round) {
        const std::uint64_t c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
        const std::uint64_t c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
        const std::uint64_t c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
        const std::uint64_t c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
        const std::uint64_t c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
        const std::uint64_t d0 = c4 ^ rotl(c1, 1);
        const std::uint64_t d1 = c0 ^ rotl(c2, 1);
        const std::uint64_t d2 = c1 ^ rotl(c3, 1);
        const std::uint64_t d3 = c2 ^ rotl(c4, 1);
        const std::uint64_t d4 = c3 ^ rotl(c0, 1);
        const std::uint64_t b00 = rotl(a00 ^ d0, rho_offsets[0]);
        const std::uint64_t b13 = rotl(a01 ^ d0, rho_offsets[5]);
        const std::uint64_t b21 = rotl(a02 ^ d0, rho_offsets[10]);
        const std::uint64_t b34 = rotl(a03 ^ d0, rho_offsets[15]);
        const std::uint64_t b42 = rotl(a04 ^ d0, rho_offsets[20]);
        const std::uint64_t b02 = rotl(a10 ^ d1, rho_offsets[1]);
        const std::uint64_t b10 = rotl(a11 ^ d1, rho_offsets[6]);
        const std::uint64_t b23 = rotl(a12 ^ d1, rho_offsets[11]);
        const std::uint64_t b31 = rotl(a13 ^ d1, rho_offsets[16]);
        const std::uint64_t b44 = rotl(a14 ^ d1, rho_offsets[21]);
        const std::uint64_t b04 = rotl(a20 ^ d2, rho_offsets[2]);
        const std::uint64_t b12 = rotl(a21 ^ d2, rho_offsets[7]);
        const std::uint64_t b20 = rotl(a22 ^ d2, rho_offsets[12]);
        const std::uint64_t b33 = rotl(a23 ^ d2, rho_offsets[17]);
        const std::uint64_t b41 = rotl(a24 ^ d2, rho_offsets[22]);
        const std::uint64_t b01 = rotl(a30 ^ d3, rho_offsets[3]);
        const std::uint64_t b14 = rotl(a31 ^ d3, rho_offsets[8]);
        const std::uint64_t b22 = rotl(a32 ^ d3, rho_offsets[13]);
        const std::uint64_t b30 = rotl(a33 ^ d3, rho_offsets[18]);
        const std::uint64_t b43 = rotl(a34 ^ d3, rho_offsets[23]);
        const std::uint64_t b03 = rotl(a40 ^ d4, rho_offsets[4]);
        const std::uint64_t b11 = rotl(a41 ^ d4, rho_offsets[9]);
        const std::uint64_t b24 = rotl(a42 ^ d4, rho_offsets[14]);
        const std::uint64_t b32 = rotl(a43 ^ d4, rho_offsets[19]);
        const std::uint64_t b40 = rotl(a44 ^ d4, rho_offsets[24]);
        a00 = b00 ^ (~b10 & b20);
        a10 = b10 ^ (~b20 & b30);
        a20 = b20 ^ (~b30 & b40);
        a30 = b30 ^ (~b40 & b00);
        a40 = b40 ^ (~b00 & b10);
        a01 = b01 ^ (~b11 & b21);
        a11 = b11 ^ (~b21 & b31);
        a21 = b21 ^ (~b31 & b41);
        a31 = b31 ^ (~b41 & b01);
        a41 = b41 ^ (~b01 & b11);
        a02 = b02 ^ (~b12 & b22);
        a12 = b12 ^ (~b22 & b32);
        a22 = b22 ^ (~b32 & b42);
        a32 = b32 ^ (~b42 & b02);
        a42 = b42 ^ (~b02 & b12);
        a03 = b03 ^ (~b13 & b23);
        a13 = b13 ^ (~b23 & b33);
        a23 = b23 ^ (~b33 & b43);
        a33 = b33 ^ (~b43 & b03);
        a43 = b43 ^ (~b03 & b13);
        a04 = b04 ^ (~b14 & b24);
        a14 = b14 ^ (~b24 & b34);
        a24 = b24 ^ (~b34 & b44);
        a34 = b34 ^ (~b44 & b04);
        a44 = b44 ^ (~b04 & b14);
        a00 ^= round_constants[round];
    }
    a[0] = a00; a[1] = a10; a[2] = a20; a[3] = a30; a[4] = a40;
    a[5] = a01; a[6] = a11; a[7] = a21; a[8] = a31; a[9] = a41;
    a[10] = a02; a[11] = a12; a[12] = a22; a[13] = a32; a[14] = a42;
    a[15] = a03; a[16] = a13; a[17] = a23; a[18] = a33; a[19] = a43;
    a[20] = a04; a[21] = a14; a[22] = a24; a[23] = a34; a[24] = a44;
}

// The portable permutation, and the same code compiled with BMI1 and BMI2, where chi's ~b & c is
// one andn and a rotation one rorx that leaves its source alone (about 15% fewer instructions,
// fewer register copies). Both compute the same thing; the dispatcher picks one at run time.
struct keccak_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr void permute(keccak_state& a) noexcept { keccak_f1600_rounds(a); }
};

#if CARAPACE_HAVE_X86_INTRINSICS
struct keccak_bmi2 {
    static constexpr const char* name = "bmi2";
    static bool supported() noexcept { return cpu::features().bmi1 && cpu::features().bmi2; }
    __attribute__((target("bmi,bmi2"))) static void permute(keccak_state& a) noexcept { keccak_f1600_rounds(a); }
};
#else
// Built without intrinsics: never supported, so never called.
struct keccak_bmi2 {
    static constexpr const char* name = "bmi2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void permute(keccak_state& a) noexcept { keccak_f1600_rounds(a); }
};
#endif

using keccak_dispatch = cpu_variants<keccak_bmi2, keccak_portable>;

constexpr void keccak_f1600(keccak_state& a) noexcept {
    if (std::is_constant_evaluated()) {
        keccak_f1600_rounds(a);
        return;
    }
    keccak_dispatch::call(keccak_dispatch::best(), [&]<class Variant>() { Variant::permute(a); });
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
