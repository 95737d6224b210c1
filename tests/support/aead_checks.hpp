// Checks every AEAD in the library must pass, whatever its cipher or engine.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "support/vectors.hpp"

namespace test_support {

inline bool all_zero(const byte_vector& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// One Wycheproof AEAD test case, with `aead` keyed by its key: open must give the case's verdict
// (leaving only zeros behind when it refuses); seal must reproduce a valid case's ciphertext and tag
// exactly, and refuse the case's nonce when `nonce_refused` (invalid cases otherwise differ only in
// their tag).
template <class Aead>
void check_wycheproof_case(const Aead& aead, const test_json::value& t, bool nonce_refused) {
    const byte_vector iv = unhex(t["iv"].str()), aad = unhex(t["aad"].str()), msg = unhex(t["msg"].str());
    const byte_vector ct = unhex(t["ct"].str()), tag = unhex(t["tag"].str());
    const bool valid = t["result"].str() == "valid";
    byte_vector opened(ct.size(), 0xee);
    const carapace::errc e = aead.open(iv, aad, ct, tag, opened);
    CHECK((e == carapace::errc::ok) == valid);
    if (valid) CHECK(opened == msg);
    else CHECK(all_zero(opened));
    byte_vector sealed(msg.size() + Aead::tag_size);
    const carapace::errc s = aead.seal(iv, aad, msg, sealed);
    if (valid) {
        REQUIRE(s == carapace::errc::ok);
        CHECK(to_hex(sealed) == t["ct"].str() + t["tag"].str());
    } else if (nonce_refused) {
        CHECK(s == carapace::errc::invalid_argument);
    }
}

// Given a message sealed by `aead`: each single-bit change to its tag, ciphertext, AAD or nonce,
// and a truncated tag, must make open refuse it and leave nothing but zeros in the output.
template <class Aead>
void check_open_fails_closed(const Aead& aead, const byte_vector& nonce, const byte_vector& aad,
                             const byte_vector& ciphertext, const byte_vector& tag) {
    using carapace::byte_view;
    byte_vector out(ciphertext.size());
    auto refused = [&](byte_view n, byte_view a, byte_view c, byte_view t) {
        std::fill(out.begin(), out.end(), 0xee);
        return aead.open(n, a, c, t, out) == carapace::errc::authentication_failed && all_zero(out);
    };
    std::size_t flips = 0, refusals = 0;
    auto flip_each_bit = [&](const byte_vector& field, auto&& open_with) {
        for (std::size_t bit = 0; bit < 8 * field.size(); ++bit) {
            byte_vector changed = field;
            changed[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            if (open_with(changed)) ++refusals;
            ++flips;
        }
    };
    flip_each_bit(tag, [&](const byte_vector& t) { return refused(nonce, aad, ciphertext, t); });
    flip_each_bit(ciphertext, [&](const byte_vector& c) { return refused(nonce, aad, c, tag); });
    flip_each_bit(aad, [&](const byte_vector& a) { return refused(nonce, a, ciphertext, tag); });
    flip_each_bit(nonce, [&](const byte_vector& n) { return refused(n, aad, ciphertext, tag); });
    CHECK(flips == 8 * (tag.size() + ciphertext.size() + aad.size() + nonce.size()));
    CHECK(refusals == flips);
    CHECK(refused(nonce, aad, ciphertext, byte_view(tag).first(tag.size() - 1)));  // truncated tag
}

}  // namespace test_support
