// The polynomial arithmetic of ML-KEM (FIPS 203 §4): the field Z_q with q = 3329, the NTT and its
// inverse (Algorithms 9, 10), products in the NTT domain (Algorithms 11, 12), Compress and
// Decompress (§4.2.1), ByteEncode and ByteDecode (Algorithms 5, 6), and SamplePolyCBD on given
// bytes (Algorithm 8), SampleNTT's rejection on given bytes (Algorithm 7). The samplers with their
// XOF and PRF are in mlkem_sample.hpp.
//
// Constant time: coefficients of secrets pass only through multiplications, shifts and masks.
// Reduction modulo q is a Barrett multiplication; Compress divides by q with a multiply and a
// shift (a hardware division's time depends on its operands: the KyberSlash leaks).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/unroll.hpp"

namespace carapace::detail::mlkem {

inline constexpr std::uint32_t q = 3329;
inline constexpr std::size_t n = 256;

// Coefficients always in [0, q).
using poly = std::array<std::uint16_t, n>;

// x - q when x >= q; x must be below 2q.
constexpr std::uint32_t reduce_once(std::uint32_t x) noexcept {
    const std::uint32_t t = x - q;
    return t + (q & ct::mask_from_bit(t >> 31));
}

// x mod q for any 32-bit x: floor(2^32 / q) = 1290167 underestimates x / q by less than 2.
constexpr std::uint32_t reduce(std::uint32_t x) noexcept {
    const auto quotient = static_cast<std::uint32_t>((std::uint64_t{x} * 1290167u) >> 32);
    return reduce_once(x - quotient * q);
}

constexpr std::uint16_t mul(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::uint16_t>(reduce(a * b));
}

constexpr std::uint32_t bit_reverse7(std::uint32_t i) noexcept {
    std::uint32_t r = 0;
    for (int b = 0; b < 7; ++b) r |= ((i >> b) & 1u) << (6 - b);
    return r;
}

// 17^k mod q for k in [0, 256): the tables below pick from it (one product per power, not one
// per unit of each exponent).
inline constexpr std::array<std::uint16_t, 256> powers_of_17 = [] {
    std::array<std::uint16_t, 256> p{};
    std::uint32_t r = 1;
    for (auto& v : p) {
        v = static_cast<std::uint16_t>(r);
        r = reduce(r * 17);
    }
    return p;
}();

// zeta^BitRev7(i) and zeta^(2 BitRev7(i) + 1) with zeta = 17 (§4.3, Appendix A), computed here.
inline constexpr std::array<std::uint16_t, 128> zetas = [] {
    std::array<std::uint16_t, 128> z{};
    for (std::uint32_t i = 0; i < 128; ++i) z[i] = powers_of_17[bit_reverse7(i)];
    return z;
}();
inline constexpr std::array<std::uint16_t, 128> gammas = [] {
    std::array<std::uint16_t, 128> g{};
    for (std::uint32_t i = 0; i < 128; ++i) g[i] = powers_of_17[2 * bit_reverse7(i) + 1];
    return g;
}();

// Inside the NTTs coefficients are signed 16-bit values allowed to grow past q between
// reductions, and products by the (public) twiddle factors use Montgomery's reduction with
// R = 2^16: fewer reductions than canonical arithmetic, and still only multiplications and
// shifts. What goes in and comes out is canonical, in [0, q).
using wide_poly = std::array<std::int16_t, n>;

// q^-1 mod 2^16, as the signed 16-bit value Montgomery reduction multiplies by.
inline constexpr std::int32_t q_inverse_mod_r = [] {
    std::uint32_t inv = 1;
    for (int i = 0; i < 4; ++i) inv *= 2u - q * inv;  // Newton: each step doubles the correct bits
    return static_cast<std::int32_t>(static_cast<std::int16_t>(inv & 0xffff));
}();
static_assert(static_cast<std::uint16_t>(q * static_cast<std::uint32_t>(q_inverse_mod_r)) == 1);

// a * 2^-16 mod q, in (-q, q), for |a| < q * 2^15.
constexpr std::int16_t montgomery_reduce(std::int32_t a) noexcept {
    // a * q^-1 mod 2^16, formed in unsigned arithmetic (the signed product would overflow).
    const auto t = static_cast<std::int16_t>(
        static_cast<std::uint16_t>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(q_inverse_mod_r)));
    return static_cast<std::int16_t>((a - std::int32_t{t} * static_cast<std::int32_t>(q)) >> 16);
}

// a mod q centred in [-(q - 1) / 2, (q - 1) / 2], for any 16-bit a: Barrett with 2^26 / q.
constexpr std::int16_t barrett_reduce(std::int16_t a) noexcept {
    constexpr std::int32_t v = ((1 << 26) + static_cast<std::int32_t>(q) / 2) / static_cast<std::int32_t>(q);
    const std::int32_t t = (v * a + (1 << 25)) >> 26;
    return static_cast<std::int16_t>(a - t * static_cast<std::int32_t>(q));
}

// The canonical [0, q) representative of a 16-bit value.
constexpr std::uint16_t to_canonical(std::int16_t a) noexcept {
    const std::int16_t r = barrett_reduce(a);
    return static_cast<std::uint16_t>(r + (static_cast<std::int16_t>(q) & (r >> 15)));
}

// z * 2^16 mod q, centred: the twiddle factors in Montgomery form.
inline constexpr std::array<std::int16_t, 128> zetas_montgomery = [] {
    std::array<std::int16_t, 128> z{};
    for (std::size_t i = 0; i < 128; ++i) {
        auto v = static_cast<std::int32_t>((std::uint32_t{zetas[i]} << 16) % q);
        if (v > static_cast<std::int32_t>(q / 2)) v -= static_cast<std::int32_t>(q);
        z[i] = static_cast<std::int16_t>(v);
    }
    return z;
}();

constexpr std::int16_t mul_montgomery(std::int16_t a, std::int16_t b_montgomery) noexcept {
    return montgomery_reduce(std::int32_t{a} * b_montgomery);
}

// 128^-1 (3303) times 2^16 mod q: the closing factor of the inverse NTT, in Montgomery form.
inline constexpr auto inverse_ntt_scale = static_cast<std::int16_t>((std::uint32_t{3303} << 16) % q);

// The portable NTT variant (see mlkem_ntt.hpp for the dispatch; mlkem_ntt_avx2.hpp computes the
// same values with AVX2).
struct mlkem_ntt_portable {
    static constexpr const char* name = "portable";
    static constexpr bool supported() noexcept { return true; }

    // The layers of 8 to 128 butterflies run them in one loop whose count shows it is a multiple
    // of this (len masked: GCC's nonzero-bits analysis sees it), with no dependence between its
    // iterations (CARAPACE_VECTOR_LOOP): GCC -O2 vectorizes only such loops (its cheapest cost
    // model), and without that the portable engine ran at three quarters of its -O3 speed. The
    // layers of 2 and 4 keep the plain loop.
    static constexpr std::size_t chunk = 8;

    // Algorithm 9. Each layer adds less than q to the largest magnitude: below 8q < 2^15 after 7.
    static constexpr void ntt(poly& f) noexcept {
        wide_poly w{};
        for (std::size_t j = 0; j < n; ++j) w[j] = static_cast<std::int16_t>(f[j]);
        std::size_t i = 1;
        for (std::size_t len = 128; len >= 2; len /= 2) {
            for (std::size_t start = 0; start < n; start += 2 * len) {
                const std::int16_t zeta = zetas_montgomery[i++];
                if (len < chunk) {
                    for (std::size_t j = start; j < start + len; ++j) {
                        const std::int16_t t = mul_montgomery(w[j + len], zeta);
                        w[j + len] = static_cast<std::int16_t>(w[j] - t);
                        w[j] = static_cast<std::int16_t>(w[j] + t);
                    }
                    continue;
                }
                std::int16_t* lo = w.data() + start;
                std::int16_t* hi = lo + len;
                const std::size_t whole = len & ~(chunk - 1);  // len (see chunk)
CARAPACE_VECTOR_LOOP
                for (std::size_t j = 0; j < whole; ++j) {
                    const std::int16_t t = mul_montgomery(hi[j], zeta);
                    hi[j] = static_cast<std::int16_t>(lo[j] - t);
                    lo[j] = static_cast<std::int16_t>(lo[j] + t);
                }
            }
        }
        for (std::size_t j = 0; j < n; ++j) f[j] = to_canonical(w[j]);
    }

    // Algorithm 10; the sums are Barrett-reduced at once, the differences go through a Montgomery
    // product; the closing factor carries 2^16 for the last Montgomery reduction.
    static constexpr void inverse_ntt(poly& f) noexcept {
        wide_poly w{};
        for (std::size_t j = 0; j < n; ++j) w[j] = static_cast<std::int16_t>(f[j]);
        std::size_t i = 127;
        for (std::size_t len = 2; len <= 128; len *= 2) {
            for (std::size_t start = 0; start < n; start += 2 * len) {
                const std::int16_t zeta = zetas_montgomery[i--];
                if (len < chunk) {
                    for (std::size_t j = start; j < start + len; ++j) {
                        const std::int16_t t = w[j];
                        w[j] = barrett_reduce(static_cast<std::int16_t>(t + w[j + len]));
                        w[j + len] = mul_montgomery(static_cast<std::int16_t>(w[j + len] - t), zeta);
                    }
                    continue;
                }
                std::int16_t* lo = w.data() + start;
                std::int16_t* hi = lo + len;
                const std::size_t whole = len & ~(chunk - 1);
CARAPACE_VECTOR_LOOP
                for (std::size_t j = 0; j < whole; ++j) {
                    const std::int16_t t = lo[j];
                    lo[j] = barrett_reduce(static_cast<std::int16_t>(t + hi[j]));
                    hi[j] = mul_montgomery(static_cast<std::int16_t>(hi[j] - t), zeta);
                }
            }
        }
        for (std::size_t j = 0; j < n; ++j) f[j] = to_canonical(mul_montgomery(w[j], inverse_ntt_scale));
    }

    // sum += f * g (Algorithms 11 and 12), each term below 2q^2.
    static constexpr void add_product(std::array<std::uint32_t, n>& sum, const poly& f, const poly& g) noexcept {
        for (std::size_t i = 0; i < n / 2; ++i) {
            const std::uint32_t a0 = f[2 * i], a1 = f[2 * i + 1], b0 = g[2 * i], b1 = g[2 * i + 1];
            sum[2 * i] += a0 * b0 + std::uint32_t{mul(a1, b1)} * gammas[i];
            sum[2 * i + 1] += a0 * b1 + a1 * b0;
        }
    }
};

// Compress_d(x) = round(2^d x / q) mod 2^d = floor((2^(d+1) x + q) / 2q) mod 2^d. The division by
// 2q is a multiplication by ceil(2^48 / 2q) and a shift, exact for every numerator below 2^26
// (the tests check every x and d).
template <unsigned D>
constexpr std::uint32_t compress(std::uint32_t x) noexcept {
    static_assert(D >= 1 && D <= 11);
    constexpr std::uint64_t magic = ((std::uint64_t{1} << 48) + 2 * q - 1) / (2 * q);
    const std::uint64_t numerator = (std::uint64_t{x} << (D + 1)) + q;
    return static_cast<std::uint32_t>((numerator * magic) >> 48) & ((1u << D) - 1);
}

// Decompress_d(y) = round(q y / 2^d), halves rounded up.
template <unsigned D>
constexpr std::uint16_t decompress(std::uint32_t y) noexcept {
    return static_cast<std::uint16_t>((y * q + (1u << (D - 1))) >> D);
}

// ByteEncode_d and ByteDecode_d work on groups of G = 8 / gcd(d, 8) values, which fill a whole
// number B = d G / 8 of bytes: every shift below is then a compile-time constant, so the loops
// unroll into straight-line code (a running bit accumulator would carry its offset from value to
// value and stay a loop).
template <unsigned D>
struct byte_groups {
    static constexpr unsigned values = D % 8 == 0 ? 1 : D % 4 == 0 ? 2 : D % 2 == 0 ? 4 : 8;
    static constexpr unsigned bytes = D * values / 8;
};

// ByteEncode_d (Algorithm 5) of values already below 2^d: 32 d bytes, least significant bit first.
// Byte b of a group takes the bits [8 b, 8 b + 8) of the group's values laid end to end.
template <unsigned D>
constexpr void byte_encode(const std::array<std::uint16_t, n>& f, std::uint8_t* out) noexcept {
    constexpr unsigned G = byte_groups<D>::values, B = byte_groups<D>::bytes;
    for (std::size_t g = 0; g < n / G; ++g) {
        const std::uint16_t* in = f.data() + G * g;
        std::uint8_t* o = out + B * g;
CARAPACE_UNROLL(16)
        for (unsigned b = 0; b < B; ++b) {
            std::uint32_t v = 0;
CARAPACE_UNROLL(8)
            for (unsigned j = 0; j < G; ++j) {
                const int shift = static_cast<int>(D * j) - static_cast<int>(8 * b);
                if (shift >= 8 || shift <= -static_cast<int>(D)) continue;
                v |= shift >= 0 ? std::uint32_t{in[j]} << shift : std::uint32_t{in[j]} >> -shift;
            }
            o[b] = static_cast<std::uint8_t>(v);
        }
    }
}

// ByteDecode_d (Algorithm 6); for d = 12 the value is reduced modulo q as the algorithm says.
template <unsigned D>
constexpr void byte_decode(const std::uint8_t* in, std::array<std::uint16_t, n>& f) noexcept {
    constexpr unsigned G = byte_groups<D>::values, B = byte_groups<D>::bytes;
    for (std::size_t g = 0; g < n / G; ++g) {
        const std::uint8_t* i = in + B * g;
        std::uint16_t* o = f.data() + G * g;
CARAPACE_UNROLL(8)
        for (unsigned j = 0; j < G; ++j) {
            std::uint32_t v = 0;
CARAPACE_UNROLL(16)
            for (unsigned b = 0; b < B; ++b) {
                const int shift = static_cast<int>(8 * b) - static_cast<int>(D * j);
                if (shift >= static_cast<int>(D) || shift <= -8) continue;
                v |= shift >= 0 ? std::uint32_t{i[b]} << shift : std::uint32_t{i[b]} >> -shift;
            }
            v &= (1u << D) - 1;
            o[j] = static_cast<std::uint16_t>(D == 12 ? reduce_once(v) : v);
        }
    }
}

// Algorithm 8 on the 64 eta bytes of PRF_eta output: coefficient i is the number of set bits
// among bits 2 i eta .. 2 i eta + eta - 1 minus those among the next eta bits, mod q. The bits
// are counted a word at a time with masks (eta = 2: 4 bits per coefficient, 8 coefficients per
// 32-bit word; eta = 3: 6 bits each, 4 per 24 bits), then a masked correction: no branch, no table.
template <unsigned Eta>
constexpr void cbd_from_bytes(const std::uint8_t* bytes_in, poly& f) noexcept {
    static_assert(Eta == 2 || Eta == 3);
    constexpr std::size_t coefficients_per_word = Eta == 2 ? 8 : 4;
    constexpr std::size_t bytes_per_word = Eta == 2 ? 4 : 3;
    // Every Eta-th bit set: adding the word shifted by 0 .. Eta - 1 counts each group of Eta bits.
    constexpr std::uint32_t every_eta_bit = Eta == 2 ? 0x55555555u : 0x00249249u;
    for (std::size_t w = 0; w < n / coefficients_per_word; ++w) {
        std::uint32_t t = 0;
CARAPACE_UNROLL(4)
        for (std::size_t k = 0; k < bytes_per_word; ++k)
            t |= std::uint32_t{bytes_in[bytes_per_word * w + k]} << (8 * k);
        std::uint32_t counts = 0;
CARAPACE_UNROLL(3)
        for (unsigned k = 0; k < Eta; ++k) counts += (t >> k) & every_eta_bit;
CARAPACE_UNROLL(8)
        for (std::size_t j = 0; j < coefficients_per_word; ++j) {
            const std::uint32_t x = (counts >> (2 * Eta * j)) & ((1u << Eta) - 1);
            const std::uint32_t y = (counts >> (2 * Eta * j + Eta)) & ((1u << Eta) - 1);
            f[coefficients_per_word * w + j] = static_cast<std::uint16_t>(reduce_once(x + q - y));
        }
    }
}

// SampleNTT's rejection loop (Algorithm 7 steps 4-15) over one block of `size` XOF bytes (a
// multiple of 3): appends the accepted values to out from position `count` until it holds n,
// returns the new count. The XOF output is public (it comes from rho), so the loop branches on it.
constexpr std::size_t sample_ntt_block(const std::uint8_t* block, std::size_t size, std::uint16_t* out,
                                       std::size_t count) noexcept {
    for (std::size_t p = 0; p < size && count < n; p += 3) {
        const std::uint32_t d1 = block[p] | (std::uint32_t{block[p + 1]} & 0x0f) << 8;
        const std::uint32_t d2 = (std::uint32_t{block[p + 1]} >> 4) | std::uint32_t{block[p + 2]} << 4;
        if (d1 < q) out[count++] = static_cast<std::uint16_t>(d1);
        if (d2 < q && count < n) out[count++] = static_cast<std::uint16_t>(d2);
    }
    return count;
}

}  // namespace carapace::detail::mlkem
