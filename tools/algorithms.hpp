// Names of the algorithms carapace-tool accepts, mapped to library types.
#pragma once

#include <string_view>

#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha3.hpp"
#include "carapace/hash/sha512.hpp"

namespace carapace_tool {

template <class T>
struct type_tag {
    using type = T;
};

// Calls f(type_tag<Hash>{}) for the named hash of `hash` (sha224, sha256, sha384, sha512,
// sha512-256, sha3-224, sha3-256, sha3-384, sha3-512); returns false for any other name.
template <class F>
bool with_digest(std::string_view name, F&& f) {
    if (name == "sha224") return f(type_tag<carapace::sha224>{}), true;
    if (name == "sha256") return f(type_tag<carapace::sha256>{}), true;
    if (name == "sha384") return f(type_tag<carapace::sha384>{}), true;
    if (name == "sha512") return f(type_tag<carapace::sha512>{}), true;
    if (name == "sha512-256") return f(type_tag<carapace::sha512_256>{}), true;
    if (name == "sha3-224") return f(type_tag<carapace::sha3_224>{}), true;
    if (name == "sha3-256") return f(type_tag<carapace::sha3_256>{}), true;
    if (name == "sha3-384") return f(type_tag<carapace::sha3_384>{}), true;
    if (name == "sha3-512") return f(type_tag<carapace::sha3_512>{}), true;
    return false;
}

// The hashes offered for HMAC and HKDF: sha256, sha384, sha512, sha3-256, sha3-384, sha3-512.
template <class F>
bool with_mac_digest(std::string_view name, F&& f) {
    if (name == "sha256") return f(type_tag<carapace::sha256>{}), true;
    if (name == "sha384") return f(type_tag<carapace::sha384>{}), true;
    if (name == "sha512") return f(type_tag<carapace::sha512>{}), true;
    if (name == "sha3-256") return f(type_tag<carapace::sha3_256>{}), true;
    if (name == "sha3-384") return f(type_tag<carapace::sha3_384>{}), true;
    if (name == "sha3-512") return f(type_tag<carapace::sha3_512>{}), true;
    return false;
}

}  // namespace carapace_tool
