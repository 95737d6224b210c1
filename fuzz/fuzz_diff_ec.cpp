// ECDSA and ECDH on P-256 and P-384 against OpenSSL's libcrypto, on every engine this CPU runs.
//   ECDH: public keys of arbitrary scalars equal OpenSSL's; the shared secret of two scalars
//   equals OpenSSL's derive, from the uncompressed and the compressed peer point; invalid scalars
//   (0, >= n) are refused; arbitrary peer bytes are accepted exactly when OpenSSL accepts them
//   as a point, and then give OpenSSL's secret.
//   ECDSA: our signatures (deterministic and hedged) verify under OpenSSL; our verdict on real,
//   bit-flipped and arbitrary r||s signatures and on arbitrary DER equals OpenSSL's (which is
//   strict DER too), for every hash.
//
// Input: [mode][curve and hash][n bytes A][n bytes B][rest: message or bytes], n the curve's size
//   mode 0: ECDH of scalars A and B
//   mode 1: sign the rest with scalar A (hedged with B when B's first byte is odd), verify, flip
//           the bit A[0..1] names, verify again
//   mode 2: verify r||s = A||B over a fixed message under the public key of the scalar in rest
//   mode 3: verify the rest as a DER signature over a fixed message, key from scalar A
//   mode 4: ECDH with scalar A and the rest as the peer's point bytes
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "carapace/ec/ecdh.hpp"
#include "carapace/ec/ecdsa.hpp"
#include "engines.hpp"

namespace {

using namespace carapace;

void require(bool condition) {
    if (!condition) std::abort();
}

// An OpenSSL key from a SEC1 point and, for signing and deriving, its scalar; null when OpenSSL
// refuses the point.
EVP_PKEY* openssl_key(const char* group, byte_view point, const std::uint8_t* scalar, std::size_t size) {
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    BIGNUM* d = scalar != nullptr ? BN_bin2bn(scalar, static_cast<int>(size), nullptr) : nullptr;
    OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    if (d != nullptr) OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_PRIV_KEY, d);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = nullptr;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    BN_free(d);
    OSSL_PARAM_BLD_free(build);
    if (key != nullptr && d == nullptr) {
        // fromdata does not check a public point: OpenSSL's own check does.
        EVP_PKEY_CTX* check = EVP_PKEY_CTX_new(key, nullptr);
        const bool valid = EVP_PKEY_public_check(check) == 1;
        EVP_PKEY_CTX_free(check);
        if (!valid) {
            EVP_PKEY_free(key);
            key = nullptr;
        }
    }
    return key;
}

std::optional<std::vector<std::uint8_t>> openssl_derive(EVP_PKEY* ours, EVP_PKEY* peer) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(ours, nullptr);
    std::vector<std::uint8_t> out(66);
    std::size_t n = out.size();
    const bool ok = EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
                    EVP_PKEY_derive(ctx, out.data(), &n) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return std::nullopt;
    out.resize(n);
    return out;
}

bool openssl_verify(EVP_PKEY* key, const EVP_MD* md, byte_view message, byte_view der) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, der.data(), der.size(), message.data(), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

template <class Curve>
struct run {
    static constexpr std::size_t n = Curve::scalar_size;
    static constexpr const char* group = n == 32 ? "P-256" : "P-384";
    const std::uint8_t* a;
    const std::uint8_t* b;
    byte_view rest;
    ecdsa_hash hash;

    static const EVP_MD* md_of(ecdsa_hash h) {
        return h == ecdsa_hash::sha256 ? EVP_sha256() : h == ecdsa_hash::sha384 ? EVP_sha384() : EVP_sha512();
    }

    // Our public point of a scalar on every engine (all equal); nullopt when it is refused, which
    // must be exactly when it is 0 or >= n.
    static std::optional<bytes<Curve::uncompressed_size>> public_of(const std::uint8_t* scalar) {
        std::optional<bytes<Curve::uncompressed_size>> first;
        bool refused = false, seen = false;
        fuzz_support::for_each_supported(typename fuzz_support::nist_engines<Curve>::type{}, [&]<class E>() {
            bytes<Curve::uncompressed_size> point{};
            const bool ok = ec_public_key<Curve, E>(point, fixed_view<n>(scalar, n)) == errc::ok;
            if (!seen) {
                refused = !ok;
                if (ok) first = point;
                seen = true;
            }
            require(ok != refused && (!ok || point == *first));
        });
        return first;
    }

    static bytes<Curve::compressed_size> compress(const bytes<Curve::uncompressed_size>& p) {
        bytes<Curve::compressed_size> c{};
        c[0] = static_cast<std::uint8_t>(2 | (p[Curve::uncompressed_size - 1] & 1));
        for (std::size_t i = 0; i < n; ++i) c[1 + i] = p[1 + i];
        return c;
    }

    // Our ECDH on every engine must give `expected` (nullopt: refused).
    static void check_ecdh(const std::uint8_t* scalar, byte_view peer, const std::optional<std::vector<std::uint8_t>>& expected) {
        fuzz_support::for_each_supported(typename fuzz_support::nist_engines<Curve>::type{}, [&]<class E>() {
            bytes<Curve::field_size> shared{};
            const bool ok = ecdh<Curve, E>(shared, fixed_view<n>(scalar, n), peer) == errc::ok;
            require(ok == expected.has_value());
            if (ok) require(std::vector<std::uint8_t>(shared.begin(), shared.end()) == *expected);
        });
    }

    void ecdh_of_scalars() const {
        const auto pa = public_of(a), pb = public_of(b);
        if (!pa || !pb) return;
        EVP_PKEY* ka = openssl_key(group, *pa, a, n);
        EVP_PKEY* kb = openssl_key(group, *pb, nullptr, 0);
        require(ka != nullptr && kb != nullptr);  // OpenSSL takes our points
        const auto expected = openssl_derive(ka, kb);
        require(expected.has_value());
        check_ecdh(a, *pb, expected);
        check_ecdh(a, compress(*pb), expected);
        EVP_PKEY_free(ka);
        EVP_PKEY_free(kb);
    }

    void ecdh_of_bytes() const {
        const auto pa = public_of(a);
        if (!pa) return;
        EVP_PKEY* ka = openssl_key(group, *pa, a, n);
        EVP_PKEY* peer = openssl_key(group, rest, nullptr, 0);
        // Compressed points are valid SEC1 too; OpenSSL takes them, as we do. The point at
        // infinity (a single 0 byte) is no public key for either.
        std::optional<std::vector<std::uint8_t>> expected;
        if (peer != nullptr) expected = openssl_derive(ka, peer);
        check_ecdh(a, rest, expected);
        EVP_PKEY_free(peer);
        EVP_PKEY_free(ka);
    }

    // Every engine's verdict on (point, message, r||s) and on its DER form equals OpenSSL's.
    void compare_verify(EVP_PKEY* key, byte_view point, byte_view message, byte_view rs) const {
        std::uint8_t der[Curve::max_der_signature_size] = {};
        const std::size_t der_size = ecdsa_rs_to_der<Curve>(fixed_view<2 * n>(rs.data(), 2 * n), der);
        require(der_size > 0);
        const bool expected = openssl_verify(key, md_of(hash), message, byte_view(der, der_size));
        fuzz_support::for_each_supported(typename fuzz_support::nist_engines<Curve>::type{}, [&]<class E>() {
            require(ecdsa_verify<Curve, E>(point, message, hash, rs) == expected);
            require(ecdsa_verify_der<Curve, E>(point, message, hash, byte_view(der, der_size)) == expected);
        });
    }

    void sign_and_verify() const {
        const auto pa = public_of(a);
        if (!pa) return;
        const auto key = *ecdsa_private_key<Curve>::from_scalar(fixed_view<n>(a, n));
        const byte_view extra = (b[0] & 1) ? byte_view(b, n) : byte_view{};
        bytes<2 * n> signature{};
        key.sign(signature, rest, hash, extra);
        fuzz_support::for_each_supported(typename fuzz_support::nist_engines<Curve>::type{}, [&]<class E>() {
            const auto other = *ecdsa_private_key<Curve, E>::from_scalar(fixed_view<n>(a, n));
            bytes<2 * n> again{};
            other.sign(again, rest, hash, extra);
            require(again == signature);  // deterministic given the same extra bytes
        });
        EVP_PKEY* k = openssl_key(group, *pa, a, n);
        require(k != nullptr);
        compare_verify(k, *pa, rest, signature);
        const std::size_t bit = (std::size_t{a[0]} << 8 | a[1]) % (16 * n);
        signature[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        compare_verify(k, *pa, rest, signature);
        EVP_PKEY_free(k);
    }

    void verify_arbitrary() const {
        if (rest.size() < n) return;
        const auto p = public_of(rest.data());
        if (!p) return;
        EVP_PKEY* k = openssl_key(group, *p, nullptr, 0);
        require(k != nullptr);
        std::uint8_t rs[2 * n];
        for (std::size_t i = 0; i < n; ++i) rs[i] = a[i], rs[n + i] = b[i];
        static constexpr std::uint8_t message[] = {'f', 'u', 'z', 'z'};
        compare_verify(k, *p, message, byte_view(rs, 2 * n));
        EVP_PKEY_free(k);
    }

    void verify_der() const {
        const auto p = public_of(a);
        if (!p) return;
        EVP_PKEY* k = openssl_key(group, *p, nullptr, 0);
        require(k != nullptr);
        static constexpr std::uint8_t message[] = {'f', 'u', 'z', 'z'};
        const bool expected = openssl_verify(k, md_of(hash), message, rest);
        fuzz_support::for_each_supported(typename fuzz_support::nist_engines<Curve>::type{}, [&]<class E>() {
            require(ecdsa_verify_der<Curve, E>(*p, message, hash, rest) == expected);
        });
        EVP_PKEY_free(k);
    }
};

template <class Curve>
void dispatch(std::uint8_t mode, std::uint8_t hash_byte, const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t n = Curve::scalar_size;
    if (size < 2 * n) return;
    const ecdsa_hash hash = hash_byte % 3 == 0 ? ecdsa_hash::sha256 : hash_byte % 3 == 1 ? ecdsa_hash::sha384 : ecdsa_hash::sha512;
    const run<Curve> r{data, data + n, byte_view(data + 2 * n, size - 2 * n), hash};
    switch (mode % 5) {
        case 0: r.ecdh_of_scalars(); break;
        case 1: r.sign_and_verify(); break;
        case 2: r.verify_arbitrary(); break;
        case 3: r.verify_der(); break;
        default: r.ecdh_of_bytes(); break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    if (data[1] & 0x80) dispatch<p384>(data[0], data[1], data + 2, size - 2);
    else dispatch<p256>(data[0], data[1], data + 2, size - 2);
    return 0;
}
