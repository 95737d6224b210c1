// Every engine (code path) of each primitive, as type lists the differential targets walk, so
// that each input runs on every path the CPU has. The same lists as tests/support/*_variants.hpp,
// without doctest.
#pragma once

#include "carapace/aead/aes_ccm.hpp"
#include "carapace/aead/aes_gcm.hpp"
#include "carapace/aead/chacha20_poly1305.hpp"
#include "carapace/ec/detail/curve25519_dispatch.hpp"
#include "carapace/ec/nist_curves.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"

namespace fuzz_support {

template <class... T>
struct type_list {};

// Calls f.template operator()<T>() for each T of the list whose engine this CPU runs.
template <class... T, class F>
void for_each_supported(type_list<T...>, F&& f) {
    ((T::supported() ? f.template operator()<T>() : void()), ...);
}

namespace d = carapace::detail;

using gcm_engines = type_list<d::gcm_portable, d::gcm_aesni, d::gcm_vaes, d::gcm_vaes512, d::gcm_armv8, d::gcm_dispatch>;

using ccm_engines = type_list<d::ccm_portable, d::ccm_aesni, d::ccm_armv8, d::ccm_dispatch>;

using chacha_engines =
    type_list<d::chacha20_poly1305_portable, d::chacha20_poly1305_portable32, d::chacha20_poly1305_avx2,
              d::chacha20_poly1305_avx512, d::chacha20_poly1305_avx512_ifma, d::chacha20_poly1305_neon,
              d::chacha20_poly1305_dispatch>;

using curve25519_engines = type_list<
#if CARAPACE_HAVE_INT128
    d::curve25519_engine<d::fe25519_51>,
#endif
    d::curve25519_engine<d::fe25519_25>, d::curve25519_mulx, d::curve25519_ifma, d::curve25519_dispatch>;

using sha256_engines = type_list<d::sha256_portable, d::sha256_shani, d::sha256_armv8, d::sha256_dispatch>;

// P-256 and P-384: nist_engines<p256>::type and nist_engines<p384>::type.
template <class Curve>
struct nist_engines {
    using type = type_list<
#if CARAPACE_HAVE_INT128
        d::nist_portable64<typename Curve::params>,
#endif
        d::nist_portable32<typename Curve::params>, typename Curve::engine>;
};
#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
template <>
struct nist_engines<carapace::p256> {
    using type = type_list<d::nist_portable64<d::p256_params>, d::nist_portable32<d::p256_params>, d::nist_p256_mulx,
                           carapace::p256::engine>;
};
#endif
using sha512_engines = type_list<d::sha512_portable, d::sha512_avx2, d::sha512_armv8, d::sha512_dispatch>;

}  // namespace fuzz_support
