// AES-GCM (128/192/256-bit keys, nonces of 1 to 128 bytes), ChaCha20-Poly1305,
// XChaCha20-Poly1305 and AES-CCM (128/192/256-bit keys, every tag and nonce length of SP 800-38C)
// against OpenSSL's libcrypto, on every engine this CPU runs: our seal must
// give OpenSSL's ciphertext and tag (in place and out of place, detached and appended tag); our
// open must take OpenSSL's output back; and one flipped bit in the ciphertext, tag or AAD must be
// refused by both, with our plaintext buffer zeroed. OpenSSL has no XChaCha20-Poly1305: it is
// built here from OpenSSL's ChaCha20 (HChaCha20 is the ChaCha20 block without its final addition,
// draft-irtf-cfrg-xchacha §2.2) and ChaCha20-Poly1305.
//
// Input: [algorithm][GCM nonce length][tamper: 2][AAD length][key][nonce][AAD][plaintext...]
// Algorithms 5-7 are AES-128/192/256-CCM; for them the second byte b gives the nonce length
// 7 + b % 7 and the tag length 4 + 2 * (b / 7 % 7).
#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "carapace/aead/aes_ccm.hpp"
#include "carapace/core/endian.hpp"
#include "engines.hpp"

namespace {

using namespace carapace;
using buffer = std::vector<std::uint8_t>;

void require(bool condition) {
    if (!condition) std::abort();
}

// One OpenSSL AEAD operation; false when OpenSSL refuses (a tag that does not verify).
bool openssl_aead(const EVP_CIPHER* cipher, bool encrypt, byte_view key, byte_view nonce, byte_view aad, byte_view in,
                  buffer& out, std::uint8_t* tag) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    require(ctx != nullptr);
    int n = 0;
    out.assign(in.size(), 0);
    bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) == 1 &&
              EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), encrypt ? 1 : 0) == 1 &&
              (aad.empty() || EVP_CipherUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
              (in.empty() || EVP_CipherUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size())) == 1);
    if (ok && !encrypt) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1;
    std::uint8_t tail[16];
    ok = ok && EVP_CipherFinal_ex(ctx, tail, &n) == 1;
    if (ok && encrypt) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

// HChaCha20(key, nonce16) from OpenSSL's ChaCha20: its first keystream block with the 16-byte
// nonce in the counter and nonce words is rounds(state) + state; the subkey is rounds(state) in
// words 0-3 and 12-15.
bytes<32> openssl_hchacha20(byte_view key, byte_view nonce16) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    std::uint8_t zeros[64] = {}, block[64] = {};
    int n = 0;
    require(EVP_EncryptInit_ex(ctx, EVP_chacha20(), nullptr, key.data(), nonce16.data()) == 1 &&
            EVP_EncryptUpdate(ctx, block, &n, zeros, 64) == 1);
    EVP_CIPHER_CTX_free(ctx);
    static constexpr std::uint32_t constants[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    bytes<32> subkey{};
    for (std::size_t i = 0; i < 4; ++i) {
        store_le32(subkey.data() + 4 * i, load_le32(block + 4 * i) - constants[i]);
        store_le32(subkey.data() + 16 + 4 * i, load_le32(block + 48 + 4 * i) - load_le32(nonce16.data() + 4 * i));
    }
    return subkey;
}

struct request {
    const EVP_CIPHER* cipher;  // OpenSSL's; for XChaCha, ChaCha20-Poly1305 under the subkey
    bool extended;             // XChaCha20-Poly1305
    byte_view key, nonce, aad, plaintext;
    std::size_t tamper;        // bit to flip in ciphertext || tag || AAD
};

// What OpenSSL makes of the request: ciphertext and tag.
void openssl_seal(const request& r, buffer& ciphertext, bytes<16>& tag) {
    if (!r.extended) {
        require(openssl_aead(r.cipher, true, r.key, r.nonce, r.aad, r.plaintext, ciphertext, tag.data()));
        return;
    }
    const bytes<32> subkey = openssl_hchacha20(r.key, r.nonce.first(16));
    std::uint8_t nonce12[12] = {};
    std::memcpy(nonce12 + 4, r.nonce.data() + 16, 8);
    require(openssl_aead(r.cipher, true, subkey, nonce12, r.aad, r.plaintext, ciphertext, tag.data()));
}

bool openssl_open(const request& r, byte_view aad, byte_view ciphertext, bytes<16> tag, buffer& plaintext) {
    if (!r.extended) return openssl_aead(r.cipher, false, r.key, r.nonce, aad, ciphertext, plaintext, tag.data());
    const bytes<32> subkey = openssl_hchacha20(r.key, r.nonce.first(16));
    std::uint8_t nonce12[12] = {};
    std::memcpy(nonce12 + 4, r.nonce.data() + 16, 8);
    return openssl_aead(r.cipher, false, subkey, nonce12, aad, ciphertext, plaintext, tag.data());
}

bool all_zero(byte_view v) {
    for (const auto b : v)
        if (b != 0) return false;
    return true;
}

// Our AEAD `Aead` (one engine) against OpenSSL's answers.
template <class Aead>
void check(const request& r, const buffer& expected_ciphertext, const bytes<16>& expected_tag) {
    const Aead aead(fixed_view<Aead::key_size>(r.key.data(), Aead::key_size));
    const std::size_t n = r.plaintext.size();

    // Out of place, detached tag.
    buffer ciphertext(n);
    bytes<16> tag{};
    require(aead.seal(r.nonce, r.aad, r.plaintext, ciphertext, tag) == errc::ok);
    require(ciphertext == expected_ciphertext && tag == expected_tag);
    // In place, appended tag.
    buffer sealed(r.plaintext.begin(), r.plaintext.end());
    sealed.resize(n + 16);
    require(aead.seal(r.nonce, r.aad, byte_view(sealed).first(n), sealed) == errc::ok);
    require(std::equal(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(n), expected_ciphertext.begin()));
    require(std::equal(sealed.begin() + static_cast<std::ptrdiff_t>(n), sealed.end(), expected_tag.begin()));

    // Open OpenSSL's output, out of place and in place.
    buffer opened(n);
    require(aead.open(r.nonce, r.aad, expected_ciphertext, expected_tag, opened) == errc::ok);
    require(std::equal(opened.begin(), opened.end(), r.plaintext.begin(), r.plaintext.end()));
    buffer in_place = sealed;
    require(aead.open(r.nonce, r.aad, in_place, byte_span(in_place).first(n)) == errc::ok);
    require(std::equal(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(n), r.plaintext.begin()));

    // One flipped bit: refused, and the plaintext buffer zeroed.
    buffer aad(r.aad.begin(), r.aad.end());
    buffer bad = sealed;
    const std::size_t bit = r.tamper % (8 * (bad.size() + aad.size()));
    if (bit / 8 < bad.size())
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    else
        aad[bit / 8 - bad.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    buffer refused(n, 0xee);
    require(aead.open(r.nonce, aad, bad, refused) == errc::authentication_failed);
    require(all_zero(refused));
    bytes<16> bad_tag{};
    std::copy(bad.begin() + static_cast<std::ptrdiff_t>(n), bad.end(), bad_tag.begin());
    buffer openssl_refused;
    require(!openssl_open(r, aad, byte_view(bad).first(n), bad_tag, openssl_refused));
}

template <std::size_t KeySize>
struct gcm_check {
    const request& r;
    const buffer& ciphertext;
    const bytes<16>& tag;
    template <class Engine>
    void operator()() const {
        check<aes_gcm_with<KeySize, Engine>>(r, ciphertext, tag);
    }
};

template <bool Extended>
struct chacha_check {
    const request& r;
    const buffer& ciphertext;
    const bytes<16>& tag;
    template <class Engine>
    void operator()() const {
        if constexpr (Extended)
            check<xchacha20_poly1305_with<Engine>>(r, ciphertext, tag);
        else
            check<chacha20_poly1305_with<Engine>>(r, ciphertext, tag);
    }
};

// One OpenSSL AES-CCM operation with a tag of tag.size() bytes; false when OpenSSL refuses.
bool openssl_ccm(const EVP_CIPHER* cipher, bool encrypt, byte_view key, byte_view nonce, byte_view aad, byte_view in,
                 buffer& out, std::span<std::uint8_t> tag) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    require(ctx != nullptr);
    int n = 0;
    out.assign(in.size(), 0);
    const int tag_size = static_cast<int>(tag.size());
    bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag_size, encrypt ? nullptr : tag.data()) == 1 &&
              EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), encrypt ? 1 : 0) == 1 &&
              // CCM needs the payload length before the AAD.
              EVP_CipherUpdate(ctx, nullptr, &n, nullptr, static_cast<int>(in.size())) == 1 &&
              (aad.empty() || EVP_CipherUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1);
    // The payload in one call (an empty one too): for decryption, this is where the tag is checked.
    std::uint8_t none = 0;
    ok = ok && EVP_CipherUpdate(ctx, in.empty() ? &none : out.data(), &n, in.empty() ? &none : in.data(),
                                static_cast<int>(in.size())) == 1;
    if (ok && encrypt) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, tag_size, tag.data()) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

// Our AES-CCM (one engine) against OpenSSL's answers, as check() does for the others.
template <std::size_t KeySize>
struct ccm_check {
    const request& r;
    std::size_t tag_size;
    const buffer& ciphertext;
    const buffer& tag;
    template <class Engine>
    void operator()() const {
        const aes_ccm_with<KeySize, Engine> aead(fixed_view<KeySize>(r.key.data(), KeySize), tag_size);
        const std::size_t n = r.plaintext.size();
        buffer c(n), t(tag_size);
        require(aead.seal(r.nonce, r.aad, r.plaintext, c, t) == errc::ok);
        require(c == ciphertext && t == tag);
        buffer sealed(r.plaintext.begin(), r.plaintext.end());
        sealed.resize(n + tag_size);
        require(aead.seal(r.nonce, r.aad, byte_view(sealed).first(n), sealed) == errc::ok);
        require(std::equal(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(n), ciphertext.begin()));
        require(std::equal(sealed.begin() + static_cast<std::ptrdiff_t>(n), sealed.end(), tag.begin()));
        buffer opened(n);
        require(aead.open(r.nonce, r.aad, ciphertext, tag, opened) == errc::ok);
        require(std::equal(opened.begin(), opened.end(), r.plaintext.begin(), r.plaintext.end()));
        buffer in_place = sealed;
        require(aead.open(r.nonce, r.aad, in_place, byte_span(in_place).first(n)) == errc::ok);
        require(std::equal(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(n), r.plaintext.begin()));

        // One flipped bit in ciphertext || tag || AAD || nonce: refused by both, our output zeroed.
        buffer aad(r.aad.begin(), r.aad.end()), nonce(r.nonce.begin(), r.nonce.end());
        buffer bad = sealed;
        const std::size_t bit = r.tamper % (8 * (bad.size() + aad.size() + nonce.size()));
        const auto flip = [&](buffer& b, std::size_t at) { b[at / 8] ^= static_cast<std::uint8_t>(1u << (at % 8)); };
        if (bit / 8 < bad.size())
            flip(bad, bit);
        else if (bit / 8 < bad.size() + aad.size())
            flip(aad, bit - 8 * bad.size());
        else
            flip(nonce, bit - 8 * (bad.size() + aad.size()));
        buffer refused(n, 0xee);
        require(aead.open(nonce, aad, bad, refused) == errc::authentication_failed);
        require(all_zero(refused));
        buffer bad_tag(bad.begin() + static_cast<std::ptrdiff_t>(n), bad.end()), openssl_refused;
        require(!openssl_ccm(r.cipher, false, r.key, nonce, aad, byte_view(bad).first(n), openssl_refused, bad_tag));
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    const std::uint8_t algorithm = data[0] % 8;
    static constexpr std::size_t key_sizes[8] = {16, 24, 32, 32, 32, 16, 24, 32};
    const std::size_t key_size = key_sizes[algorithm];
    const bool ccm = algorithm >= 5;
    const std::size_t nonce_size = ccm              ? 7 + data[1] % 7u
                                   : algorithm < 3  ? (data[1] % 128 == 0 ? 12 : data[1] % 128u)
                                   : algorithm == 3 ? 12
                                                    : 24;
    const std::size_t tamper = static_cast<std::size_t>(data[2]) << 8 | data[3];
    const std::size_t aad_size = data[4];
    if (size < 5 + key_size + nonce_size) return 0;
    const byte_view rest(data + 5, size - 5);
    request r;
    static const EVP_CIPHER* const ciphers[8] = {EVP_aes_128_gcm(), EVP_aes_192_gcm(), EVP_aes_256_gcm(),
                                                 EVP_chacha20_poly1305(), EVP_chacha20_poly1305(),
                                                 EVP_aes_128_ccm(), EVP_aes_192_ccm(), EVP_aes_256_ccm()};
    r.cipher = ciphers[algorithm];
    r.extended = algorithm == 4;
    r.key = rest.first(key_size);
    r.nonce = rest.subspan(key_size, nonce_size);
    const byte_view tail = rest.subspan(key_size + nonce_size);
    r.aad = tail.first(std::min(aad_size, tail.size()));
    r.plaintext = tail.subspan(r.aad.size());
    r.tamper = tamper;
    using fuzz_support::for_each_supported;

    if (ccm) {
        const std::size_t tag_size = 4 + 2 * (data[1] / 7u % 7);
        if (r.plaintext.size() > detail::ccm_max_payload(nonce_size)) return 0;
        buffer ciphertext, tag(tag_size);
        require(openssl_ccm(r.cipher, true, r.key, r.nonce, r.aad, r.plaintext, ciphertext, tag));
        switch (algorithm) {
            case 5: for_each_supported(fuzz_support::ccm_engines{}, ccm_check<16>{r, tag_size, ciphertext, tag}); break;
            case 6: for_each_supported(fuzz_support::ccm_engines{}, ccm_check<24>{r, tag_size, ciphertext, tag}); break;
            default: for_each_supported(fuzz_support::ccm_engines{}, ccm_check<32>{r, tag_size, ciphertext, tag}); break;
        }
        return 0;
    }

    buffer ciphertext;
    bytes<16> tag{};
    openssl_seal(r, ciphertext, tag);
    switch (algorithm) {
        case 0: for_each_supported(fuzz_support::gcm_engines{}, gcm_check<16>{r, ciphertext, tag}); break;
        case 1: for_each_supported(fuzz_support::gcm_engines{}, gcm_check<24>{r, ciphertext, tag}); break;
        case 2: for_each_supported(fuzz_support::gcm_engines{}, gcm_check<32>{r, ciphertext, tag}); break;
        case 3: for_each_supported(fuzz_support::chacha_engines{}, chacha_check<false>{r, ciphertext, tag}); break;
        default: for_each_supported(fuzz_support::chacha_engines{}, chacha_check<true>{r, ciphertext, tag}); break;
    }
    return 0;
}
