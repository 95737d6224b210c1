// P-256 and P-384 once per engine, so each vector runs on every code path: every variant in the
// dispatcher's list (core/cpu_dispatch.hpp; a CPU-specific engine appears there when it is added,
// and is reported and left out where the CPU lacks it or CARAPACE_FORCE_PORTABLE=1 is set), the
// portable engine on 32-bit words (run on every host, as 32-bit targets use it), and the dispatcher
// itself. Test templates take a `nist_on<Curve, Engine>` from the tuple nist_all_engines.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "carapace/core/bytes.hpp"
#include "carapace/core/cpu_dispatch.hpp"
#include "carapace/ec/detail/nist_dispatch.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "support/vectors.hpp"

namespace test_support {

template <class Curve, class Engine>
struct nist_on {
    using curve = Curve;
    using engine = Engine;
    static std::string name() { return std::string(Curve::name) + " on " + Engine::name; }
};

namespace nist_detail {

template <class Curve, class Variants>
struct variant_cases;
template <class Curve, class... V>
struct variant_cases<Curve, carapace::detail::cpu_variants<V...>> {
    using type = std::tuple<nist_on<Curve, V>...>;
    template <class E>
    static constexpr bool has = (std::is_same_v<E, V> || ...);
};

template <class Curve>
struct cases_of {
    using from_dispatcher = variant_cases<Curve, typename Curve::engine::variants>;
    using portable32 = carapace::detail::nist_portable32<typename Curve::params>;
    using extra32 = std::conditional_t<from_dispatcher::template has<portable32>, std::tuple<>,
                                       std::tuple<nist_on<Curve, portable32>>>;
    using type = decltype(std::tuple_cat(std::declval<typename from_dispatcher::type>(), std::declval<extra32>(),
                                         std::declval<std::tuple<nist_on<Curve, typename Curve::engine>>>()));
};

}  // namespace nist_detail

// Every engine of one curve, and of both.
template <class Curve>
using nist_engines_of = typename nist_detail::cases_of<Curve>::type;
using nist_all_engines = decltype(std::tuple_cat(std::declval<nist_engines_of<carapace::p256>>(),
                                                 std::declval<nist_engines_of<carapace::p384>>()));

// The 32-bit portable engine: what the others are compared with.
template <class Curve>
using nist_reference = carapace::detail::nist_portable32<typename Curve::params>;

// True when this CPU runs the case's engine; otherwise says so in the test log.
template <class Case>
bool nist_engine_runs_here() {
    if (Case::engine::supported()) return true;
    MESSAGE(Case::name() << ": not supported by this CPU (or forced portable): not run");
    return false;
}

// A vector of exactly N bytes as the fixed-size view the curve APIs take; any other size fails the test.
template <std::size_t N>
carapace::fixed_view<N> fixed(const byte_vector& v) {
    REQUIRE(v.size() == N);
    return carapace::fixed_view<N>(v.data(), N);
}

// The SEC1 compressed form (02 or 03 by the parity of y, then x) of an uncompressed point.
inline byte_vector sec1_compress(carapace::byte_view uncompressed) {
    REQUIRE(uncompressed.size() % 2 == 1);
    const std::size_t size = uncompressed.size() / 2;
    byte_vector out(uncompressed.begin(), uncompressed.begin() + static_cast<std::ptrdiff_t>(1 + size));
    out[0] = static_cast<std::uint8_t>(2 + (uncompressed.back() & 1));
    return out;
}

inline byte_vector concat_bytes(const byte_vector& a, const byte_vector& b) {
    byte_vector out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// A big-endian integer as given (with or without leading zero bytes) padded to N bytes.
template <std::size_t N>
carapace::bytes<N> be_fixed(const byte_vector& v) {
    std::size_t first = 0;
    while (first < v.size() && v[first] == 0) ++first;
    REQUIRE(v.size() - first <= N);
    carapace::bytes<N> out{};
    for (std::size_t i = first; i < v.size(); ++i) out[N - (v.size() - i)] = v[i];
    return out;
}

// The group order n of a curve, big-endian.
template <class Curve>
carapace::bytes<Curve::scalar_size> order_bytes() {
    carapace::bytes<Curve::scalar_size> out{};
    for (std::size_t i = 0; i < Curve::scalar_size; ++i) {
        const std::size_t bit = 8 * (Curve::scalar_size - 1 - i);
        out[i] = static_cast<std::uint8_t>(Curve::params::order::modulus[bit / 64] >> (bit % 64));
    }
    return out;
}

// v + delta for a big-endian value (wrapping), to step around n.
template <std::size_t N>
carapace::bytes<N> add_small(carapace::bytes<N> v, int delta) {
    const bool down = delta < 0;
    unsigned carry = static_cast<unsigned>(down ? -delta : delta);
    for (std::size_t i = N; i-- > 0 && carry != 0;) {
        const unsigned x = down ? 256u + v[i] - carry : v[i] + carry;
        v[i] = static_cast<std::uint8_t>(x);
        carry = down ? (x < 256 ? 1u : 0u) : x >> 8;
    }
    return v;
}

}  // namespace test_support
