// Four independent Keccak-f[1600] permutations at once (FIPS 202 §3.3), for ML-KEM's matrix
// sampling (FIPS 203 Algorithm 7 on up to four seeds at a time): an AVX2 variant with one state
// in each 64-bit element of 25 256-bit registers, and the portable one, which runs the scalar
// permutation four times. The states are kept interleaved in memory (lane i of state j at
// [i][j]) so that the AVX2 variant loads and stores whole lanes. Both run in time independent of
// the data; the dispatcher picks one at run time (core/cpu_dispatch.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/core/cpu.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/unroll.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/detail/keccak.hpp"

#if CARAPACE_HAVE_X86_INTRINSICS
#include <immintrin.h>
#endif

namespace carapace::detail {

// Lane i of state j at [i][j].
struct alignas(32) keccak_x4_states {
    static constexpr std::size_t width = 4;
    std::array<std::array<std::uint64_t, 4>, 25> lanes{};
};

struct keccak_x4_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }
    static constexpr void permute(keccak_x4_states& s) noexcept {
        for (std::size_t j = 0; j < 4; ++j) {
            keccak_state one{};
            for (std::size_t i = 0; i < 25; ++i) one[i] = s.lanes[i][j];
            keccak_f1600(one);
            for (std::size_t i = 0; i < 25; ++i) s.lanes[i][j] = one[i];
        }
    }
};

#if CARAPACE_HAVE_X86_INTRINSICS

#define CARAPACE_KECCAK_AVX2_TARGET __attribute__((target("avx2")))
#define CARAPACE_KECCAK_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline

namespace keccak_x4_avx2_ops {

template <unsigned R>
CARAPACE_KECCAK_AVX2_INLINE __m256i rotl_x4(__m256i v) noexcept {
    if constexpr (R == 0) {
        return v;
    } else {
        return _mm256_or_si256(_mm256_slli_epi64(v, static_cast<int>(R)), _mm256_srli_epi64(v, static_cast<int>(64 - R)));
    }
}

CARAPACE_KECCAK_AVX2_INLINE __m256i xor5(__m256i a, __m256i b, __m256i c, __m256i d, __m256i e) noexcept {
    return _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(c, d)), e);
}

CARAPACE_KECCAK_AVX2_INLINE __m256i load(const keccak_x4_states& s, std::size_t i) noexcept {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(s.lanes[i].data()));
}

CARAPACE_KECCAK_AVX2_INLINE void store(keccak_x4_states& s, std::size_t i, __m256i v) noexcept {
    _mm256_store_si256(reinterpret_cast<__m256i*>(s.lanes[i].data()), v);
}

}  // namespace keccak_x4_avx2_ops

struct keccak_x4_avx2 {
    static constexpr const char* name = "avx2";
    static bool supported() noexcept { return cpu::features().avx2; }

    // The scalar permutation's steps (keccak.hpp), each on four states.
    CARAPACE_KECCAK_AVX2_TARGET static void permute(keccak_x4_states& s) noexcept {
        using namespace keccak_tables;
        using namespace keccak_x4_avx2_ops;
        __m256i a00 = load(s, 0), a10 = load(s, 1), a20 = load(s, 2), a30 = load(s, 3), a40 = load(s, 4);
        __m256i a01 = load(s, 5), a11 = load(s, 6), a21 = load(s, 7), a31 = load(s, 8), a41 = load(s, 9);
        __m256i a02 = load(s, 10), a12 = load(s, 11), a22 = load(s, 12), a32 = load(s, 13), a42 = load(s, 14);
        __m256i a03 = load(s, 15), a13 = load(s, 16), a23 = load(s, 17), a33 = load(s, 18), a43 = load(s, 19);
        __m256i a04 = load(s, 20), a14 = load(s, 21), a24 = load(s, 22), a34 = load(s, 23), a44 = load(s, 24);
        for (unsigned round = 0; round < 24; ++round) {
            const __m256i c0 = xor5(a00, a01, a02, a03, a04);
            const __m256i c1 = xor5(a10, a11, a12, a13, a14);
            const __m256i c2 = xor5(a20, a21, a22, a23, a24);
            const __m256i c3 = xor5(a30, a31, a32, a33, a34);
            const __m256i c4 = xor5(a40, a41, a42, a43, a44);
            const __m256i d0 = _mm256_xor_si256(c4, rotl_x4<1>(c1));
            const __m256i d1 = _mm256_xor_si256(c0, rotl_x4<1>(c2));
            const __m256i d2 = _mm256_xor_si256(c1, rotl_x4<1>(c3));
            const __m256i d3 = _mm256_xor_si256(c2, rotl_x4<1>(c4));
            const __m256i d4 = _mm256_xor_si256(c3, rotl_x4<1>(c0));
            const __m256i b00 = rotl_x4<rho_offsets[0]>(_mm256_xor_si256(a00, d0));
            const __m256i b13 = rotl_x4<rho_offsets[5]>(_mm256_xor_si256(a01, d0));
            const __m256i b21 = rotl_x4<rho_offsets[10]>(_mm256_xor_si256(a02, d0));
            const __m256i b34 = rotl_x4<rho_offsets[15]>(_mm256_xor_si256(a03, d0));
            const __m256i b42 = rotl_x4<rho_offsets[20]>(_mm256_xor_si256(a04, d0));
            const __m256i b02 = rotl_x4<rho_offsets[1]>(_mm256_xor_si256(a10, d1));
            const __m256i b10 = rotl_x4<rho_offsets[6]>(_mm256_xor_si256(a11, d1));
            const __m256i b23 = rotl_x4<rho_offsets[11]>(_mm256_xor_si256(a12, d1));
            const __m256i b31 = rotl_x4<rho_offsets[16]>(_mm256_xor_si256(a13, d1));
            const __m256i b44 = rotl_x4<rho_offsets[21]>(_mm256_xor_si256(a14, d1));
            const __m256i b04 = rotl_x4<rho_offsets[2]>(_mm256_xor_si256(a20, d2));
            const __m256i b12 = rotl_x4<rho_offsets[7]>(_mm256_xor_si256(a21, d2));
            const __m256i b20 = rotl_x4<rho_offsets[12]>(_mm256_xor_si256(a22, d2));
            const __m256i b33 = rotl_x4<rho_offsets[17]>(_mm256_xor_si256(a23, d2));
            const __m256i b41 = rotl_x4<rho_offsets[22]>(_mm256_xor_si256(a24, d2));
            const __m256i b01 = rotl_x4<rho_offsets[3]>(_mm256_xor_si256(a30, d3));
            const __m256i b14 = rotl_x4<rho_offsets[8]>(_mm256_xor_si256(a31, d3));
            const __m256i b22 = rotl_x4<rho_offsets[13]>(_mm256_xor_si256(a32, d3));
            const __m256i b30 = rotl_x4<rho_offsets[18]>(_mm256_xor_si256(a33, d3));
            const __m256i b43 = rotl_x4<rho_offsets[23]>(_mm256_xor_si256(a34, d3));
            const __m256i b03 = rotl_x4<rho_offsets[4]>(_mm256_xor_si256(a40, d4));
            const __m256i b11 = rotl_x4<rho_offsets[9]>(_mm256_xor_si256(a41, d4));
            const __m256i b24 = rotl_x4<rho_offsets[14]>(_mm256_xor_si256(a42, d4));
            const __m256i b32 = rotl_x4<rho_offsets[19]>(_mm256_xor_si256(a43, d4));
            const __m256i b40 = rotl_x4<rho_offsets[24]>(_mm256_xor_si256(a44, d4));
            a00 = _mm256_xor_si256(b00, _mm256_andnot_si256(b10, b20));
            a10 = _mm256_xor_si256(b10, _mm256_andnot_si256(b20, b30));
            a20 = _mm256_xor_si256(b20, _mm256_andnot_si256(b30, b40));
            a30 = _mm256_xor_si256(b30, _mm256_andnot_si256(b40, b00));
            a40 = _mm256_xor_si256(b40, _mm256_andnot_si256(b00, b10));
            a01 = _mm256_xor_si256(b01, _mm256_andnot_si256(b11, b21));
            a11 = _mm256_xor_si256(b11, _mm256_andnot_si256(b21, b31));
            a21 = _mm256_xor_si256(b21, _mm256_andnot_si256(b31, b41));
            a31 = _mm256_xor_si256(b31, _mm256_andnot_si256(b41, b01));
            a41 = _mm256_xor_si256(b41, _mm256_andnot_si256(b01, b11));
            a02 = _mm256_xor_si256(b02, _mm256_andnot_si256(b12, b22));
            a12 = _mm256_xor_si256(b12, _mm256_andnot_si256(b22, b32));
            a22 = _mm256_xor_si256(b22, _mm256_andnot_si256(b32, b42));
            a32 = _mm256_xor_si256(b32, _mm256_andnot_si256(b42, b02));
            a42 = _mm256_xor_si256(b42, _mm256_andnot_si256(b02, b12));
            a03 = _mm256_xor_si256(b03, _mm256_andnot_si256(b13, b23));
            a13 = _mm256_xor_si256(b13, _mm256_andnot_si256(b23, b33));
            a23 = _mm256_xor_si256(b23, _mm256_andnot_si256(b33, b43));
            a33 = _mm256_xor_si256(b33, _mm256_andnot_si256(b43, b03));
            a43 = _mm256_xor_si256(b43, _mm256_andnot_si256(b03, b13));
            a04 = _mm256_xor_si256(b04, _mm256_andnot_si256(b14, b24));
            a14 = _mm256_xor_si256(b14, _mm256_andnot_si256(b24, b34));
            a24 = _mm256_xor_si256(b24, _mm256_andnot_si256(b34, b44));
            a34 = _mm256_xor_si256(b34, _mm256_andnot_si256(b44, b04));
            a44 = _mm256_xor_si256(b44, _mm256_andnot_si256(b04, b14));
            a00 = _mm256_xor_si256(a00, _mm256_set1_epi64x(static_cast<long long>(round_constants[round])));
        }
        store(s, 0, a00); store(s, 1, a10); store(s, 2, a20); store(s, 3, a30); store(s, 4, a40);
        store(s, 5, a01); store(s, 6, a11); store(s, 7, a21); store(s, 8, a31); store(s, 9, a41);
        store(s, 10, a02); store(s, 11, a12); store(s, 12, a22); store(s, 13, a32); store(s, 14, a42);
        store(s, 15, a03); store(s, 16, a13); store(s, 17, a23); store(s, 18, a33); store(s, 19, a43);
        store(s, 20, a04); store(s, 21, a14); store(s, 22, a24); store(s, 23, a34); store(s, 24, a44);
    }
};

// With AVX-512VL on the same 256-bit registers: vprolq rotates in one instruction, and vpternlogq
// merges the five-way XOR of theta into two instructions and chi's a ^ (~b & c) into one. The
// lanes sit in arrays indexed by loop positions only; the loops are unrolled so that they stay
// in registers, and the rotation counts come from a register (vprolvq), not immediates.
struct keccak_x4_avx512vl {
    static constexpr const char* name = "avx512vl";
    static bool supported() noexcept { return cpu::features().avx512f && cpu::features().avx512vl; }

    __attribute__((target("avx2,avx512f,avx512vl"))) static void permute(keccak_x4_states& s) noexcept {
        using namespace keccak_tables;
        __m256i a[25], b[25], c[5], rotations[25];
CARAPACE_UNROLL(25)
        for (std::size_t i = 0; i < 25; ++i) {
            a[i] = _mm256_load_si256(reinterpret_cast<const __m256i*>(s.lanes[i].data()));
            rotations[i] = _mm256_set1_epi64x(rho_offsets[i]);
        }
        for (unsigned round = 0; round < 24; ++round) {
CARAPACE_UNROLL(5)
            for (std::size_t x = 0; x < 5; ++x)
                c[x] = _mm256_ternarylogic_epi64(_mm256_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], 0x96), a[x + 15],
                                                 a[x + 20], 0x96);
CARAPACE_UNROLL(5)
            for (std::size_t x = 0; x < 5; ++x) {
                const __m256i d = _mm256_xor_si256(c[(x + 4) % 5], _mm256_rol_epi64(c[(x + 1) % 5], 1));
CARAPACE_UNROLL(5)
                for (std::size_t y = 0; y < 5; ++y)
                    b[pi_destination[x + 5 * y]] = _mm256_rolv_epi64(_mm256_xor_si256(a[x + 5 * y], d), rotations[x + 5 * y]);
            }
CARAPACE_UNROLL(25)
            for (std::size_t i = 0; i < 25; ++i) {
                const std::size_t x = i % 5, row = i - x;
                a[i] = _mm256_ternarylogic_epi64(b[i], b[row + (x + 1) % 5], b[row + (x + 2) % 5], 0xd2);
            }
            a[0] = _mm256_xor_si256(a[0], _mm256_set1_epi64x(static_cast<long long>(round_constants[round])));
        }
CARAPACE_UNROLL(25)
        for (std::size_t i = 0; i < 25; ++i) _mm256_store_si256(reinterpret_cast<__m256i*>(s.lanes[i].data()), a[i]);
    }
};

#undef CARAPACE_KECCAK_AVX2_TARGET
#undef CARAPACE_KECCAK_AVX2_INLINE

#else

// Built without intrinsics: never supported, so never called.
struct keccak_x4_avx512vl {
    static constexpr const char* name = "avx512vl";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void permute(keccak_x4_states& s) noexcept { keccak_x4_portable::permute(s); }
};

struct keccak_x4_avx2 {
    static constexpr const char* name = "avx2";
    static constexpr bool supported() noexcept { return false; }
    static constexpr void permute(keccak_x4_states& s) noexcept { keccak_x4_portable::permute(s); }
};

#endif

using keccak_x4_dispatch = cpu_variants<keccak_x4_avx512vl, keccak_x4_avx2, keccak_x4_portable>;

// Permutes four states with the variant `choice` names (keccak_x4_dispatch::best() normally; the
// portable one in constant evaluation).
constexpr void keccak_f1600_x4(keccak_x4_states& s, keccak_x4_dispatch::choice choice) noexcept {
    if (std::is_constant_evaluated()) {
        keccak_x4_portable::permute(s);
        return;
    }
    keccak_x4_dispatch::call(choice, [&]<class Variant>() { Variant::permute(s); });
}

// Up to four sponges of one rate absorbed together (FIPS 202 §4): message e with the domain
// padding byte pads[e] (0x06 for SHA3-256, 0x1f for SHAKE256, then 10*1), its first 32 bytes of
// output into outs[e]. For independent hashes of about a kilobyte each (ML-KEM decapsulation
// hashes its encapsulation key and the rejection key's input), this costs one permutation of
// four states per block instead of one scalar permutation per block and message. Lengths are
// public; the data are not branched on.
template <std::size_t Rate, std::size_t Count>
constexpr void keccak_x4_hash32(const std::array<std::span<const std::uint8_t>, Count>& messages,
                                const std::array<std::uint8_t, Count>& pads,
                                const std::array<std::uint8_t*, Count>& outs) noexcept {
    static_assert(Count >= 1 && Count <= 4 && Rate % 8 == 0 && Rate >= 32 && Rate < 200);
    keccak_x4_states states{};
    std::size_t blocks = 0;
    for (const auto& m : messages) blocks = m.size() / Rate + 1 > blocks ? m.size() / Rate + 1 : blocks;
    auto choice = keccak_x4_dispatch::best();  // not const: see run_sponge_jobs (kem/detail/mlkem_sample.hpp)
    std::array<std::uint8_t, Rate> last{};
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t e = 0; e < Count; ++e) {
            const auto& m = messages[e];
            const std::size_t own_blocks = m.size() / Rate + 1;
            if (b >= own_blocks) continue;
            const std::uint8_t* block = m.data() + b * Rate;
            if (b + 1 == own_blocks) {  // the tail, padded
                const std::size_t tail = m.size() - b * Rate;
                for (std::size_t i = 0; i < Rate; ++i) last[i] = i < tail ? block[i] : 0;
                last[tail] ^= pads[e];
                last[Rate - 1] ^= 0x80;
                block = last.data();
            }
            for (std::size_t i = 0; i < Rate / 8; ++i) states.lanes[i][e] ^= load_le64(block + 8 * i);
        }
        keccak_f1600_x4(states, choice);
        for (std::size_t e = 0; e < Count; ++e)
            if (b + 1 == messages[e].size() / Rate + 1)
                for (std::size_t i = 0; i < 4; ++i) store_le64(outs[e] + 8 * i, states.lanes[i][e]);
    }
    secure_wipe(last);
    secure_wipe(states);
}

}  // namespace carapace::detail
