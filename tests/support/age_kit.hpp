// Reading the age test kit (C2SP CCTV, tests/vectors/age): each file is "key: value" lines, an
// empty line, then an age file, possibly zlib-compressed. And one decryption driver that takes a
// file the way a caller would, feeding the STREAM decryptor in uneven pieces and keeping only the
// plaintext it released.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#if defined(CARAPACE_TEST_HAVE_ZLIB)
#include <zlib.h>
#endif

#include "carapace/envelope/envelope.hpp"
#include "support/vectors.hpp"

namespace test_support {

struct age_vector {
    std::string name;
    std::string expect;
    std::string payload_hash;  // hex SHA-256, may be empty
    std::vector<std::string> identities;
    std::vector<std::string> passphrases;
    bool armored = false;
    std::string file;  // the age file, decompressed
    bool ok = true;    // false when the vector file itself could not be read
    bool compressed = false;
};

#if defined(CARAPACE_TEST_HAVE_ZLIB)
inline constexpr bool have_zlib = true;
#else
inline constexpr bool have_zlib = false;
#endif

inline std::string zlib_inflate(const std::string& in, bool& ok) {
    std::string out;
#if !defined(CARAPACE_TEST_HAVE_ZLIB)
    (void)in;
    ok = false;
    return out;
#else
    z_stream z{};
    ok = inflateInit(&z) == Z_OK;
    if (!ok) return out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buffer[65536];
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - z.avail_out);
    }
    ok = rc == Z_STREAM_END;
    inflateEnd(&z);
    return out;
#endif
}

inline age_vector load_age_vector(const std::filesystem::path& path) {
    age_vector v;
    v.name = path.filename().string();
    const std::string text = read_text_file(path.string());
    std::size_t pos = 0;
    bool compressed = false;
    for (;;) {
        const std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            v.ok = false;
            return v;
        }
        const std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) break;
        const std::size_t colon = line.find(": ");
        if (colon == std::string::npos) continue;
        const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
        if (key == "expect") v.expect = value;
        if (key == "payload") v.payload_hash = value;
        if (key == "identity") v.identities.push_back(value);
        if (key == "passphrase") v.passphrases.push_back(value);
        if (key == "armored") v.armored = value == "yes";
        if (key == "compressed") compressed = v.compressed = value == "zlib";
    }
    v.file = text.substr(pos);
    if (compressed) v.file = zlib_inflate(v.file, v.ok);
    return v;
}

inline std::vector<std::filesystem::path> age_vector_paths() {
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(std::string(CARAPACE_TEST_VECTORS) + "/age")) {
        const std::string name = e.path().filename().string();
        if (name == "LICENSE" || name.ends_with(".md")) continue;
        paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

// Work memory for passphrase vectors: the kit's files use 2^10; the ceiling is age's 2^22 in
// spirit but the memory lent here covers 2^16, so anything above is refused as too costly.
inline constexpr unsigned test_scrypt_ceiling = 16;

struct decrypt_outcome {
    carapace::envelope::error error = carapace::envelope::error::ok;
    std::string released;  // plaintext the API handed out before any failure
};

// Decrypts a whole file with the given identities, feeding the payload in pieces of varying size.
inline decrypt_outcome age_decrypt(std::string file, bool armored,
                                   std::span<carapace::envelope::key_wrapper* const> identities,
                                   std::uint64_t split_seed = 1) {
    namespace env = carapace::envelope;
    decrypt_outcome out;
    if (armored) {
        std::vector<std::uint8_t> raw(file.size());
        std::size_t size = 0;
        out.error = env::armor::decode(file, raw, size);
        if (out.error != env::error::ok) return out;
        file.assign(reinterpret_cast<const char*>(raw.data()), size);
    }
    env::opened_header opened;
    out.error = env::open_header(file, identities, opened);
    if (out.error != env::error::ok) return out;
    const auto key = env::payload_key(opened.key, opened.nonce);
    auto dec = std::make_unique<env::stream_decryptor>(key);
    std::vector<std::uint8_t> plain(env::chunk_size);
    const auto* data = reinterpret_cast<const std::uint8_t*>(file.data()) + opened.payload_offset;
    std::size_t left = file.size() - opened.payload_offset;
    test_rng rng(split_seed);
    while (left > 0) {
        const std::size_t piece = split_seed == 0 ? left : 1 + rng.below(left < 70000 ? left : 70000);
        std::size_t used = 0;
        while (used < piece) {
            const auto step = dec->update(carapace::byte_view(data + used, piece - used), plain);
            out.released.append(reinterpret_cast<const char*>(plain.data()), step.produced);
            if (step.status != env::error::ok) {
                out.error = step.status;
                return out;
            }
            used += step.consumed;
        }
        data += piece;
        left -= piece;
    }
    const auto last = dec->finish(plain);
    out.released.append(reinterpret_cast<const char*>(plain.data()), last.produced);
    out.error = last.status;
    return out;
}

}  // namespace test_support
