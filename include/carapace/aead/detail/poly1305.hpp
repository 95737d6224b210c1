// Poly1305 (RFC 8439 §2.5), portable, constant time and usable in constant evaluation, in two
// representations of the 130-bit accumulator:
// - poly1305_64: three 64-bit limbs (radix 2^44) with 64 x 64 -> 128-bit products, where the
//   compiler has unsigned __int128, absorbing four blocks per step;
// - poly1305_32: five 26-bit limbs (radix 2^26) with 32 x 32 -> 64-bit products, for 32-bit targets;
// - poly1305_radix64: two 64-bit limbs and a small third, one block at a time with no powers of r
//   to precompute, for short messages.
// poly1305_portable is the first where it exists. Both take whole 16-byte blocks; the caller pads
// (the AEAD pads every part to 16 bytes anyway) or uses poly1305_stream for arbitrary lengths.
// The final reduction is a masked select; no branch or index depends on the key or message.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/ct.hpp"
#include "carapace/core/endian.hpp"
#include "carapace/core/inline.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/core/wipe.hpp"

namespace carapace::detail {

// 32-bit limbs: h = h0 + h1 2^26 + h2 2^52 + h3 2^78 + h4 2^104.
struct poly1305_32 {
    static constexpr const char* name = "32-bit limbs";
    std::uint32_t r[5] = {}, s[4] = {}, h[5] = {}, pad[4] = {};

    constexpr void init(const std::uint8_t* key) noexcept {
        // r is clamped (§2.5.1): the top four bits of bytes 3, 7, 11, 15 and the bottom two of 4, 8, 12 cleared.
        r[0] = load_le32(key + 0) & 0x3ffffff;
        r[1] = (load_le32(key + 3) >> 2) & 0x3ffff03;
        r[2] = (load_le32(key + 6) >> 4) & 0x3ffc0ff;
        r[3] = (load_le32(key + 9) >> 6) & 0x3f03fff;
        r[4] = (load_le32(key + 12) >> 8) & 0x00fffff;
        for (int i = 0; i < 4; ++i) s[i] = r[i + 1] * 5;
        for (auto& v : h) v = 0;
        for (int i = 0; i < 4; ++i) pad[i] = load_le32(key + 16 + 4 * i);
    }

    // h = (h + m + hibit 2^128) r mod 2^130 - 5, partially reduced, for each 16-byte block.
    constexpr void blocks(const std::uint8_t* m, std::size_t count, std::uint32_t hibit = 1) noexcept {
        const std::uint32_t top = hibit << 24;
        std::uint32_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4];
        const std::uint64_t r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4];
        const std::uint64_t s1 = s[0], s2 = s[1], s3 = s[2], s4 = s[3];
        for (; count != 0; --count, m += 16) {
            h0 += load_le32(m + 0) & 0x3ffffff;
            h1 += (load_le32(m + 3) >> 2) & 0x3ffffff;
            h2 += (load_le32(m + 6) >> 4) & 0x3ffffff;
            h3 += (load_le32(m + 9) >> 6) & 0x3ffffff;
            h4 += (load_le32(m + 12) >> 8) | top;
            const std::uint64_t d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
            std::uint64_t d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
            std::uint64_t d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
            std::uint64_t d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
            std::uint64_t d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
            h0 = static_cast<std::uint32_t>(d0) & 0x3ffffff;
            d1 += d0 >> 26;
            h1 = static_cast<std::uint32_t>(d1) & 0x3ffffff;
            d2 += d1 >> 26;
            h2 = static_cast<std::uint32_t>(d2) & 0x3ffffff;
            d3 += d2 >> 26;
            h3 = static_cast<std::uint32_t>(d3) & 0x3ffffff;
            d4 += d3 >> 26;
            h4 = static_cast<std::uint32_t>(d4) & 0x3ffffff;
            h0 += static_cast<std::uint32_t>(d4 >> 26) * 5;
            h1 += h0 >> 26;
            h0 &= 0x3ffffff;
        }
        h[0] = h0, h[1] = h1, h[2] = h2, h[3] = h3, h[4] = h4;
    }

    // tag = ((h mod 2^130 - 5) + s) mod 2^128; wipes the state.
    constexpr void finish(std::uint8_t* tag) noexcept {
        std::uint32_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4];
        // Carry fully: h < 2^130 + small.
        h2 += h1 >> 26, h1 &= 0x3ffffff;
        h3 += h2 >> 26, h2 &= 0x3ffffff;
        h4 += h3 >> 26, h3 &= 0x3ffffff;
        h0 += (h4 >> 26) * 5, h4 &= 0x3ffffff;
        h1 += h0 >> 26, h0 &= 0x3ffffff;
        // g = h + 5 - 2^130; h >= p exactly when g does not go negative.
        std::uint32_t g0 = h0 + 5;
        std::uint32_t g1 = h1 + (g0 >> 26);
        g0 &= 0x3ffffff;
        std::uint32_t g2 = h2 + (g1 >> 26);
        g1 &= 0x3ffffff;
        std::uint32_t g3 = h3 + (g2 >> 26);
        g2 &= 0x3ffffff;
        const std::uint32_t g4 = h4 + (g3 >> 26) - (1u << 26);
        g3 &= 0x3ffffff;
        const std::uint32_t use_g = ct::mask_from_bit((g4 >> 31) ^ 1u);  // g4 did not borrow
        h0 = ct::select(use_g, g0, h0);
        h1 = ct::select(use_g, g1, h1);
        h2 = ct::select(use_g, g2, h2);
        h3 = ct::select(use_g, g3, h3);
        h4 = ct::select(use_g, g4 & 0x3ffffff, h4);
        // To 32-bit words, then add s mod 2^128.
        const std::uint32_t w0 = h0 | (h1 << 26);
        const std::uint32_t w1 = (h1 >> 6) | (h2 << 20);
        const std::uint32_t w2 = (h2 >> 12) | (h3 << 14);
        const std::uint32_t w3 = (h3 >> 18) | (h4 << 8);
        std::uint64_t f = std::uint64_t{w0} + pad[0];
        store_le32(tag + 0, static_cast<std::uint32_t>(f));
        f = std::uint64_t{w1} + pad[1] + (f >> 32);
        store_le32(tag + 4, static_cast<std::uint32_t>(f));
        f = std::uint64_t{w2} + pad[2] + (f >> 32);
        store_le32(tag + 8, static_cast<std::uint32_t>(f));
        f = std::uint64_t{w3} + pad[3] + (f >> 32);
        store_le32(tag + 12, static_cast<std::uint32_t>(f));
        secure_wipe(*this);
    }
};

#if CARAPACE_HAVE_INT128

// 64-bit limbs: h = h0 + h1 2^44 + h2 2^88 (radix 2^44, as in poly1305-donna-64), so that any
// multiplier, not only the clamped r, fits the products: a product of 44-bit limbs is 88 bits and
// a sum of a dozen of them still fits 128. Four blocks at a time are absorbed as
// (h + m1) r^4 + m2 r^3 + m3 r^2 + m4 r with one carry chain, so the multiplications of a step
// are independent of each other and the loop is not bound by the latency of one long chain.
struct poly1305_64 {
    static constexpr const char* name = "64-bit limbs";
    static constexpr std::uint64_t mask44 = (std::uint64_t{1} << 44) - 1;
    static constexpr std::uint64_t mask42 = (std::uint64_t{1} << 42) - 1;

    // A multiplier: its limbs, and limbs 1 and 2 times 20 (2^132 = 4 2^130 = 20 modulo p).
    struct power {
        std::uint64_t l0 = 0, l1 = 0, l2 = 0, s1 = 0, s2 = 0;
    };
    power r[4] = {};  // r, r^2, r^3, r^4
    std::uint64_t h0 = 0, h1 = 0, h2 = 0, pad0 = 0, pad1 = 0;

    struct wide {
        u128 d0 = 0, d1 = 0, d2 = 0;
    };

    // d += a b, with a's limbs below 2^46 and b's below 2^45.
    static constexpr void multiply_add(wide& d, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2,
                                       const power& b) noexcept {
        d.d0 += u128{a0} * b.l0 + u128{a1} * b.s2 + u128{a2} * b.s1;
        d.d1 += u128{a0} * b.l1 + u128{a1} * b.l0 + u128{a2} * b.s2;
        d.d2 += u128{a0} * b.l2 + u128{a1} * b.l1 + u128{a2} * b.l0;
    }

    // The partial reduction: limbs 0 and 2 below 2^44 and 2^42, limb 1 below 2^44 + 2^15.
    static constexpr void carry(const wide& d, std::uint64_t& a0, std::uint64_t& a1, std::uint64_t& a2) noexcept {
        const u128 e1 = d.d1 + static_cast<std::uint64_t>(d.d0 >> 44);
        const u128 e2 = d.d2 + static_cast<std::uint64_t>(e1 >> 44);
        a0 = static_cast<std::uint64_t>(d.d0) & mask44;
        a1 = static_cast<std::uint64_t>(e1) & mask44;
        a2 = static_cast<std::uint64_t>(e2) & mask42;
        a0 += static_cast<std::uint64_t>(e2 >> 42) * 5;
        a1 += a0 >> 44;
        a0 &= mask44;
    }

    static constexpr power make_power(std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) noexcept {
        return {a0, a1, a2, a1 * 20, a2 * 20};
    }

    constexpr void init(const std::uint8_t* key) noexcept {
        const std::uint64_t t0 = load_le64(key), t1 = load_le64(key + 8);
        // The clamped r (§2.5.1) split into 44, 44 and 42 bits.
        r[0] = make_power(t0 & 0xffc0fffffffULL, ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffffULL,
                          (t1 >> 24) & 0x00ffffffc0fULL);
        for (int i = 1; i < 4; ++i) {
            wide d{};
            multiply_add(d, r[i - 1].l0, r[i - 1].l1, r[i - 1].l2, r[0]);
            std::uint64_t a0 = 0, a1 = 0, a2 = 0;
            carry(d, a0, a1, a2);
            r[i] = make_power(a0, a1, a2);
        }
        h0 = h1 = h2 = 0;
        pad0 = load_le64(key + 16);
        pad1 = load_le64(key + 24);
    }

    // A block as limbs, with the 2^128 bit (hibit) on top.
    static constexpr void split(const std::uint8_t* m, std::uint64_t hibit, std::uint64_t& m0, std::uint64_t& m1,
                                std::uint64_t& m2) noexcept {
        const std::uint64_t t0 = load_le64(m), t1 = load_le64(m + 8);
        m0 = t0 & mask44;
        m1 = ((t0 >> 44) | (t1 << 20)) & mask44;
        m2 = (t1 >> 24) | (hibit << 40);
    }

    constexpr void blocks(const std::uint8_t* m, std::size_t count, std::uint64_t hibit = 1) noexcept {
        std::uint64_t a0 = h0, a1 = h1, a2 = h2;
        for (; count >= 4; count -= 4, m += 64) {
            std::uint64_t x0 = 0, x1 = 0, x2 = 0;
            wide d{};
            split(m, hibit, x0, x1, x2);
            multiply_add(d, a0 + x0, a1 + x1, a2 + x2, r[3]);
            split(m + 16, hibit, x0, x1, x2);
            multiply_add(d, x0, x1, x2, r[2]);
            split(m + 32, hibit, x0, x1, x2);
            multiply_add(d, x0, x1, x2, r[1]);
            split(m + 48, hibit, x0, x1, x2);
            multiply_add(d, x0, x1, x2, r[0]);
            carry(d, a0, a1, a2);
        }
        for (; count != 0; --count, m += 16) {
            std::uint64_t x0 = 0, x1 = 0, x2 = 0;
            split(m, hibit, x0, x1, x2);
            wide d{};
            multiply_add(d, a0 + x0, a1 + x1, a2 + x2, r[0]);
            carry(d, a0, a1, a2);
        }
        h0 = a0, h1 = a1, h2 = a2;
    }

    constexpr void finish(std::uint8_t* tag) noexcept {
        // Carry fully: limbs within 44, 44 and 42 bits, h < 2^130.
        std::uint64_t a0 = h0, a1 = h1, a2 = h2;
        a2 += a1 >> 44, a1 &= mask44;
        a0 += (a2 >> 42) * 5, a2 &= mask42;
        a1 += a0 >> 44, a0 &= mask44;
        a2 += a1 >> 44, a1 &= mask44;
        a0 += (a2 >> 42) * 5, a2 &= mask42;
        a1 += a0 >> 44, a0 &= mask44;
        // g = h + 5 - 2^130; h >= p exactly when g does not go negative.
        std::uint64_t g0 = a0 + 5;
        std::uint64_t g1 = a1 + (g0 >> 44);
        g0 &= mask44;
        const std::uint64_t g2 = a2 + (g1 >> 44) - (std::uint64_t{1} << 42);
        g1 &= mask44;
        const std::uint64_t use_g = ct::mask_from_bit((g2 >> 63) ^ 1u);
        a0 = ct::select(use_g, g0, a0);
        a1 = ct::select(use_g, g1, a1);
        a2 = ct::select(use_g, g2 & mask42, a2);
        // h mod 2^128 + s.
        const std::uint64_t w0 = a0 | (a1 << 44), w1 = (a1 >> 20) | (a2 << 24);
        const u128 t = u128{w0} + pad0;
        store_le64(tag, static_cast<std::uint64_t>(t));
        store_le64(tag + 8, w1 + pad1 + static_cast<std::uint64_t>(t >> 64));
        secure_wipe(*this);
    }
};

// Radix 2^64: h = h0 + h1 2^64 + h2 2^128 (h2 a few bits), r = r0 + r1 2^64, one block per step.
// There are no powers of r to compute, so its setup is a clamp and one add, and each block is
// four 64 x 64 -> 128-bit products and a short carry chain: the cheapest core for the few blocks
// of a short message (poly1305_64's setup and 44-bit carries cost more than they save there).
// Clamping leaves the low two bits of r1 zero, so h1 r1 2^128 = h1 (r1 / 4) 2^130, which is
// h1 s1 modulo p with s1 = 5 r1 / 4 = r1 + r1 / 4.
struct poly1305_radix64 {
    static constexpr const char* name = "radix 2^64";
    std::uint64_t r0 = 0, r1 = 0, s1 = 0, h0 = 0, h1 = 0, h2 = 0, pad0 = 0, pad1 = 0;

    constexpr void init(const std::uint8_t* key) noexcept {
        r0 = load_le64(key) & 0x0ffffffc0fffffffULL;
        r1 = load_le64(key + 8) & 0x0ffffffc0ffffffcULL;
        s1 = r1 + (r1 >> 2);
        h0 = h1 = h2 = 0;
        pad0 = load_le64(key + 16);
        pad1 = load_le64(key + 24);
    }

    // h stays below 5 2^128 between blocks (h2 <= 4), so with a block and its 2^128 bit added h2
    // is at most 6, and every sum of products below fits 128 bits (r0, r1 < 2^60, s1 < 2^61).
    // Inlined: a short message calls it three or four times, and out of line (GCC -O2) h went
    // through memory between the calls, on the critical path.
    CARAPACE_ALWAYS_INLINE constexpr void blocks(const std::uint8_t* m, std::size_t count,
                                                 std::uint64_t hibit = 1) noexcept {
        std::uint64_t a0 = h0, a1 = h1, a2 = h2;
        for (; count != 0; --count, m += 16) {
            const u128 t0 = u128{a0} + load_le64(m);
            const u128 t1 = u128{a1} + load_le64(m + 8) + static_cast<std::uint64_t>(t0 >> 64);
            a0 = static_cast<std::uint64_t>(t0);
            a1 = static_cast<std::uint64_t>(t1);
            a2 += static_cast<std::uint64_t>(t1 >> 64) + hibit;
            const u128 d0 = u128{a0} * r0 + u128{a1} * s1;
            const u128 d1 = u128{a0} * r1 + u128{a1} * r0 + u128{a2} * s1 + static_cast<std::uint64_t>(d0 >> 64);
            const std::uint64_t d2 = a2 * r0 + static_cast<std::uint64_t>(d1 >> 64);
            // Bits 130 and up come back in times 5 (2^130 = 5 modulo p).
            const u128 f0 = u128{static_cast<std::uint64_t>(d0)} + (d2 & ~std::uint64_t{3}) + (d2 >> 2);
            const u128 f1 = u128{static_cast<std::uint64_t>(d1)} + static_cast<std::uint64_t>(f0 >> 64);
            a0 = static_cast<std::uint64_t>(f0);
            a1 = static_cast<std::uint64_t>(f1);
            a2 = (d2 & 3) + static_cast<std::uint64_t>(f1 >> 64);
        }
        h0 = a0, h1 = a1, h2 = a2;
    }

    // h < 5 2^128 < 2p, so one conditional subtraction of p gives h mod p; only its low 128 bits
    // matter for the tag.
    constexpr void finish(std::uint8_t* tag) noexcept {
        const u128 g0 = u128{h0} + 5;
        const u128 g1 = u128{h1} + static_cast<std::uint64_t>(g0 >> 64);
        const std::uint64_t g2 = h2 + static_cast<std::uint64_t>(g1 >> 64);
        const std::uint64_t use_g = ct::mask_from_bit((g2 >> 2) & 1);  // h + 5 >= 2^130: h >= p
        const std::uint64_t w0 = ct::select(use_g, static_cast<std::uint64_t>(g0), h0);
        const std::uint64_t w1 = ct::select(use_g, static_cast<std::uint64_t>(g1), h1);
        const u128 t = u128{w0} + pad0;
        store_le64(tag, static_cast<std::uint64_t>(t));
        store_le64(tag + 8, w1 + pad1 + static_cast<std::uint64_t>(t >> 64));
        secure_wipe(*this);
    }
};

using poly1305_portable = poly1305_64;
#else
using poly1305_portable = poly1305_32;
#endif

// Poly1305 over messages of any length, fed in pieces of any size (§2.5: a last partial block
// gets a 1 byte after it and zeros to 16 bytes, and no 2^128 bit).
template <class Core = poly1305_portable>
class poly1305_stream {
public:
    constexpr explicit poly1305_stream(const std::uint8_t* key) noexcept { core_.init(key); }
    constexpr poly1305_stream(const poly1305_stream&) noexcept = default;
    constexpr poly1305_stream& operator=(const poly1305_stream&) noexcept = default;
    constexpr ~poly1305_stream() {
        secure_wipe(core_);
        secure_wipe(buffer_, 16);
    }

    constexpr void update(const std::uint8_t* data, std::size_t size) noexcept {
        if (used_ != 0) {
            while (used_ < 16 && size != 0) buffer_[used_++] = *data++, --size;
            if (used_ < 16) return;
            core_.blocks(buffer_, 1);
            used_ = 0;
        }
        if (const std::size_t whole = size / 16; whole != 0) {
            core_.blocks(data, whole);
            data += 16 * whole;
            size %= 16;
        }
        for (std::size_t i = 0; i < size; ++i) buffer_[used_++] = data[i];
    }

    constexpr void finish(std::uint8_t* tag) noexcept {
        if (used_ != 0) {
            buffer_[used_] = 1;
            for (std::size_t i = used_ + 1; i < 16; ++i) buffer_[i] = 0;
            core_.blocks(buffer_, 1, 0);
        }
        core_.finish(tag);
        secure_wipe(buffer_, 16);
        used_ = 0;
    }

private:
    Core core_{};
    std::uint8_t buffer_[16] = {};
    std::size_t used_ = 0;
};

}  // namespace carapace::detail
