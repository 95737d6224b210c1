// SHA-1, SHA-224/256/384/512, SHA-512/224, SHA-512/256, HMAC and HKDF (extract, expand, both)
// over each of them against OpenSSL's libcrypto, on every hash engine this CPU runs. Our
// streaming API is fed in input-chosen pieces and must equal one shot and OpenSSL; HKDF must
// refuse exactly the lengths OpenSSL refuses (over 255 * HashLen); HMAC verify must take the
// tag and refuse it with one bit flipped.
//
// Input: [split count][splits...][key length][key...][message...]; the last byte also chooses the
// HKDF output length: below 128, that many bytes; else around the largest allowed, from one
// below it to two past it.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "carapace/hash/sha1.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"
#include "engines.hpp"

namespace {

using namespace carapace;
using buffer = std::vector<std::uint8_t>;

void require(bool condition) {
    if (!condition) std::abort();
}

struct inputs {
    byte_view splits, key, message;
    std::uint8_t okm_choice;
};

buffer openssl_digest(const EVP_MD* md, byte_view message) {
    buffer out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned n = 0;
    require(EVP_Digest(message.data(), message.size(), out.data(), &n, md, nullptr) == 1 && n == out.size());
    return out;
}

buffer openssl_hmac(const EVP_MD* md, byte_view key, byte_view message) {
    buffer out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned n = 0;
    static const std::uint8_t empty[1] = {};
    require(HMAC(md, key.empty() ? empty : key.data(), static_cast<int>(key.size()), message.data(), message.size(),
                 out.data(), &n) != nullptr &&
            n == out.size());
    return out;
}

// OpenSSL's HKDF in one mode (EVP_KDF_HKDF_MODE_*); false when it refuses.
bool openssl_hkdf(const EVP_MD* md, int mode, byte_view salt, byte_view key, byte_view info, buffer& out) {
    static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    require(ctx != nullptr);
    static std::uint8_t none[1] = {};
    auto octets = [](const char* name, byte_view v) {
        return OSSL_PARAM_construct_octet_string(name, v.empty() ? none : const_cast<std::uint8_t*>(v.data()), v.size());
    };
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md)), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        octets(OSSL_KDF_PARAM_KEY, key),
        octets(OSSL_KDF_PARAM_SALT, salt),
        octets(OSSL_KDF_PARAM_INFO, info),
        OSSL_PARAM_construct_end(),
    };
    const bool ok = EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

// Feeds `message` to `sink` in pieces whose sizes come from `splits`.
template <class Sink>
void in_pieces(byte_view message, byte_view splits, Sink&& sink) {
    std::size_t at = 0, i = 0;
    while (at < message.size()) {
        const std::size_t piece = splits.empty() ? message.size() : std::size_t{1} + splits[i++ % splits.size()] * 3u;
        const std::size_t take = std::min(piece, message.size() - at);
        sink(message.subspan(at, take));
        at += take;
    }
}

template <class Hash>
void check(const EVP_MD* md, const inputs& in) {
    // The hash: one shot and in pieces.
    const buffer digest = openssl_digest(md, in.message);
    const auto one_shot = Hash::hash(in.message);
    require(std::equal(one_shot.begin(), one_shot.end(), digest.begin(), digest.end()));
    Hash h;
    in_pieces(in.message, in.splits, [&](byte_view piece) { h.update(piece); });
    require(h.final() == one_shot);

    // HMAC: one shot, in pieces, verify.
    const buffer tag = openssl_hmac(md, in.key, in.message);
    const auto ours = hmac<Hash>::mac(in.key, in.message);
    require(std::equal(ours.begin(), ours.end(), tag.begin(), tag.end()));
    hmac<Hash> streamed(in.key);
    in_pieces(in.message, in.splits, [&](byte_view piece) { streamed.update(piece); });
    require(streamed.final() == ours);
    require(hmac<Hash>::verify(in.key, in.message, tag));
    buffer bad = tag;
    bad[in.message.size() % bad.size()] ^= static_cast<std::uint8_t>(1u << (in.okm_choice % 8));
    require(!hmac<Hash>::verify(in.key, in.message, bad));

    // HKDF: salt = the key, IKM = the message, info = the split bytes.
    buffer expected(Hash::digest_size);
    require(openssl_hkdf(md, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, in.key, in.message, {}, expected));
    const auto prk = hkdf_extract<Hash>(in.key, in.message);
    require(std::equal(prk.begin(), prk.end(), expected.begin(), expected.end()));
    const std::size_t okm_size =
        in.okm_choice < 128 ? in.okm_choice : hkdf_max_output<Hash> - 1 + (in.okm_choice & 3u);
    buffer okm(okm_size, 0xee), okm_openssl(okm_size);
    const bool allowed = okm_size <= hkdf_max_output<Hash>;
    // Expand from an input-chosen PRK (the key), and both steps at once.
    require((hkdf_expand<Hash>(in.key, in.splits, okm) == errc::ok) == allowed);
    if (okm_size != 0)
        require(openssl_hkdf(md, EVP_KDF_HKDF_MODE_EXPAND_ONLY, {}, in.key, in.splits, okm_openssl) == allowed);
    if (allowed) require(okm == okm_openssl);
    require((hkdf<Hash>(in.key, in.message, in.splits, okm) == errc::ok) == allowed);
    if (okm_size != 0)
        require(openssl_hkdf(md, EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, in.key, in.message, in.splits, okm_openssl) ==
                allowed);
    if (allowed) require(okm == okm_openssl);
}

template <template <class> class Hash>
struct family {
    const EVP_MD* md;
    const inputs& in;
    template <class Engine>
    void operator()() const {
        check<Hash<Engine>>(md, in);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view input(data, size);
    inputs in;
    const std::size_t split_count = size > 0 ? std::size_t{data[0]} % 16 : 0;
    in.splits = input.subspan(std::min<std::size_t>(size, 1)).first(std::min(split_count, size > 0 ? size - 1 : 0));
    const byte_view rest = input.subspan(std::min(size, 1 + in.splits.size()));
    const std::size_t key_size = rest.empty() ? 0 : std::size_t{rest[0]} % 200;
    in.key = rest.subspan(std::min<std::size_t>(rest.size(), 1)).first(std::min(key_size, rest.empty() ? 0 : rest.size() - 1));
    in.message = rest.subspan(std::min(rest.size(), 1 + in.key.size()));
    in.okm_choice = size > 0 ? data[size - 1] : 0;

    using fuzz_support::for_each_supported;
    check<sha1>(EVP_sha1(), in);
    for_each_supported(fuzz_support::sha256_engines{}, family<sha224_with>{EVP_sha224(), in});
    for_each_supported(fuzz_support::sha256_engines{}, family<sha256_with>{EVP_sha256(), in});
    for_each_supported(fuzz_support::sha512_engines{}, family<sha384_with>{EVP_sha384(), in});
    for_each_supported(fuzz_support::sha512_engines{}, family<sha512_with>{EVP_sha512(), in});
    for_each_supported(fuzz_support::sha512_engines{}, family<sha512_224_with>{EVP_sha512_224(), in});
    for_each_supported(fuzz_support::sha512_engines{}, family<sha512_256_with>{EVP_sha512_256(), in});
    return 0;
}
