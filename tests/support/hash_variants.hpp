// Every hash the library has, once per compression engine, so that the tests run each vector on
// every code path. Engines the CPU lacks are reported and left out at run time.
#pragma once

#include <doctest/doctest.h>

#include "carapace/hash/sha1.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"

namespace test_support {


#define CARAPACE_SHA256_FAMILY(alias)                                                       \
    carapace::alias##_with<carapace::detail::sha256_portable>, carapace::alias##_with<carapace::detail::sha256_shani>, \
        carapace::alias##_with<carapace::detail::sha256_armv8>, carapace::alias
#define CARAPACE_SHA512_FAMILY(alias)                                                     \
    carapace::alias##_with<carapace::detail::sha512_portable>, carapace::alias##_with<carapace::detail::sha512_avx2>, \
        carapace::alias##_with<carapace::detail::sha512_armv8>, carapace::alias

#define CARAPACE_ALL_HASH_VARIANTS                                                             \
    carapace::sha1, CARAPACE_SHA256_FAMILY(sha224), CARAPACE_SHA256_FAMILY(sha256),            \
        CARAPACE_SHA512_FAMILY(sha384), CARAPACE_SHA512_FAMILY(sha512),                        \
        CARAPACE_SHA512_FAMILY(sha512_224), CARAPACE_SHA512_FAMILY(sha512_256)

// The hashes HMAC and HKDF are tested over (Wycheproof has files for these).
#define CARAPACE_MAC_HASH_VARIANTS                                                              \
    CARAPACE_SHA256_FAMILY(sha256), CARAPACE_SHA512_FAMILY(sha384), CARAPACE_SHA512_FAMILY(sha512)

// True when this CPU can run Hash's engine; otherwise says so in the test log.
template <class Hash>
bool engine_runs_here() {
    if (Hash::engine::supported()) return true;
    MESSAGE(Hash::algorithm_name << " engine " << Hash::engine::name
                                 << " not supported by this CPU (or forced portable): not run");
    return false;
}

}  // namespace test_support
