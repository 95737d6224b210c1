// P-256 and P-384 engines dispatched over their CPU variants (core/cpu_dispatch.hpp): the portable
// Montgomery arithmetic on 64-bit words where the compiler has a 128-bit product, else on 32-bit
// words. nist_portable64/32 name each portable engine, so tests run both on every host. No key
// object holds engine state, so the choice is the variant set's, picked once.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/core/int128.hpp"
#include "carapace/ec/detail/mont_field.hpp"
#include "carapace/ec/detail/nist_engine.hpp"
#include "carapace/ec/detail/nist_params.hpp"
#include "carapace/ec/detail/p256_mulx.hpp"

namespace carapace::detail {

template <class Params, class Word>
using nist_portable_engine = nist_engine<Params, mont_field<Word, typename Params::field>,
                                         mont_field<Word, typename Params::order>>;

template <class Params>
using nist_portable32 = nist_portable_engine<Params, std::uint32_t>;
#if CARAPACE_HAVE_INT128
template <class Params>
using nist_portable64 = nist_portable_engine<Params, std::uint64_t>;
template <class Params>
using nist_portable = nist_portable64<Params>;
#else
template <class Params>
using nist_portable = nist_portable32<Params>;
#endif

// The variants of each curve, fastest first.
template <class Params>
struct nist_variants {
    using type = cpu_variants<nist_portable<Params>>;
};
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
using nist_p256_mulx = nist_engine<p256_params, p256_field_mulx, mont_field<std::uint64_t, p256_params::order>>;
template <>
struct nist_variants<p256_params> {
    using type = cpu_variants<nist_p256_mulx, nist_portable<p256_params>>;
};
#endif

template <class Params>
struct nist_dispatch {
    using variants = typename nist_variants<Params>::type;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }
    static constexpr std::size_t size = nist_portable<Params>::size;

    static const char* chosen_name() noexcept { return variants::name_of(variants::best()); }

    static constexpr bool public_key(std::uint8_t* out_xy, const std::uint8_t* k) noexcept {
        return variants::call(variants::best(), [&]<class E>() { return E::public_key(out_xy, k); });
    }
    static constexpr bool ecdh(std::uint8_t* out_x, const std::uint8_t* k, const std::uint8_t* peer,
                               std::size_t len) noexcept {
        return variants::call(variants::best(), [&]<class E>() { return E::ecdh(out_x, k, peer, len); });
    }
    static constexpr bool sign(std::uint8_t* rs, const std::uint8_t* d, const std::uint8_t* k,
                               const std::uint8_t* e) noexcept {
        return variants::call(variants::best(), [&]<class E>() { return E::sign(rs, d, k, e); });
    }
    static constexpr bool verify(const std::uint8_t* point, std::size_t len, const std::uint8_t* e,
                                 const std::uint8_t* r, const std::uint8_t* s) noexcept {
        return variants::call(variants::best(), [&]<class E>() { return E::verify(point, len, e, r, s); });
    }
    static constexpr bool valid_point(const std::uint8_t* point, std::size_t len) noexcept {
        typename nist_portable<Params>::point p{};
        return nist_portable<Params>::decode_point(p, point, len);
    }
    static constexpr bool scalar_in_range(const std::uint8_t* k) noexcept {
        return nist_portable<Params>::scalar_in_range(k);
    }
};

}  // namespace carapace::detail
