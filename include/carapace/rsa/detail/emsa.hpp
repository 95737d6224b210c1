// The encodings RSA signs (RFC 8017 §9): EMSA-PKCS1-v1_5 (§9.2), which verification builds and
// compares as a whole (never parsing a received padding: the parsing bugs of the Bleichenbacher
// 2006 family cannot arise), and EMSA-PSS encoding and verification (§9.1.1, §9.1.2) with MGF1
// of a hash that may differ from the content hash, or with SHAKE128/256 as both hash and MGF
// (RFC 8702 §3.1), and any salt length the caller states.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/ct.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/rsa/rsa_hash.hpp"

namespace carapace::detail {

inline constexpr std::size_t rsa_max_bytes = 1024;  // 8192-bit moduli

// EMSA-PKCS1-v1_5 of a digest (§9.2 steps 2-5) into em (emLen = em.size() bytes).
// False when emLen < tLen + 11, the digest has the wrong size or h has no DigestInfo (SHAKE).
[[nodiscard]] constexpr bool emsa_pkcs1_encode(rsa_hash h, byte_view digest, byte_span em) noexcept {
    const digest_info_prefix prefix = digest_info_of(h);
    const std::size_t t_len = prefix.size + digest.size();
    if (prefix.size == 0 || digest.size() != digest_size(h) || em.size() < t_len + 11) return false;
    const std::size_t ps = em.size() - t_len - 3;
    em[0] = 0x00;
    em[1] = 0x01;
    for (std::size_t i = 0; i < ps; ++i) em[2 + i] = 0xff;
    em[2 + ps] = 0x00;
    std::size_t at = 3 + ps;
    for (std::size_t i = 0; i < prefix.size; ++i) em[at++] = prefix.bytes[i];
    for (const std::uint8_t b : digest) em[at++] = b;
    return true;
}

// H = Hash(0x00 * 8 || mHash || salt) (§9.1.1 steps 5-6).
constexpr void pss_h(rsa_hash h, byte_view m_hash, byte_view salt, std::uint8_t* out) noexcept {
    with_rsa_hash(h, [&]<class Hash>() {
        constexpr std::uint8_t zeros[8] = {};
        Hash hash;
        hash.update(zeros).update(m_hash).update(salt);
        const auto d = hash.final();
        for (std::size_t i = 0; i < d.size(); ++i) out[i] = d[i];
        return 0;
    });
}

// EMSA-PSS-ENCODE (§9.1.1) of a digest with a caller's salt into em, whose size is
// emLen = ceil(em_bits / 8). False when the sizes do not fit (step 3) or the hashes do not pair
// (pss_hashes_pair).
[[nodiscard]] constexpr bool emsa_pss_encode(rsa_hash content, rsa_hash mgf, byte_view m_hash, byte_view salt,
                                             std::size_t em_bits, byte_span em) noexcept {
    const std::size_t h_len = digest_size(content);
    const std::size_t em_len = (em_bits + 7) / 8;
    if (!pss_hashes_pair(content, mgf)) return false;
    if (m_hash.size() != h_len || em.size() != em_len || em_len < h_len + salt.size() + 2) return false;
    const std::size_t db_len = em_len - h_len - 1;
    std::uint8_t* hp = em.data() + db_len;
    pss_h(content, m_hash, salt, hp);
    // DB = PS || 0x01 || salt, masked with MGF(H).
    for (std::size_t i = 0; i < db_len; ++i) em[i] = 0;
    em[db_len - salt.size() - 1] = 0x01;
    for (std::size_t i = 0; i < salt.size(); ++i) em[db_len - salt.size() + i] = salt[i];
    mgf_xor(mgf, byte_view(hp, h_len), em.first(db_len));
    em[0] = static_cast<std::uint8_t>(em[0] & (0xffu >> (8 * em_len - em_bits)));
    em[em_len - 1] = 0xbc;
    return true;
}

// EMSA-PSS-VERIFY (§9.1.2) of em (emLen bytes, em_bits = modBits - 1) against a digest. em is
// public (it is the signature raised to the public exponent), so this may branch; it is
// modified (unmasked) in place. Hashes that do not pair (pss_hashes_pair) verify nothing.
[[nodiscard]] constexpr bool emsa_pss_verify(rsa_hash content, rsa_hash mgf, byte_view m_hash,
                                             std::size_t salt_len, std::size_t em_bits, byte_span em) noexcept {
    const std::size_t h_len = digest_size(content);
    const std::size_t em_len = (em_bits + 7) / 8;
    if (!pss_hashes_pair(content, mgf) || m_hash.size() != h_len || em.size() != em_len) return false;
    if (em_len < h_len + 2 || em_len - h_len - 2 < salt_len) return false;   // step 3
    if (em[em_len - 1] != 0xbc) return false;                                 // step 4
    const std::size_t db_len = em_len - h_len - 1;
    const std::uint8_t top_mask = static_cast<std::uint8_t>(0xffu << (8 - (8 * em_len - em_bits)));
    if ((em[0] & top_mask) != 0) return false;                                 // step 6
    const byte_view h = byte_view(em.data() + db_len, h_len);
    mgf_xor(mgf, h, em.first(db_len));                                         // steps 7-8
    em[0] = static_cast<std::uint8_t>(em[0] & ~top_mask);                      // step 9
    const std::size_t ps_len = db_len - salt_len - 1;
    for (std::size_t i = 0; i < ps_len; ++i)                                   // step 10
        if (em[i] != 0) return false;
    if (em[ps_len] != 0x01) return false;
    std::uint8_t h2[rsa_max_digest] = {};
    pss_h(content, m_hash, byte_view(em.data() + db_len - salt_len, salt_len), h2);  // steps 11-13
    return ct::equal(h, byte_view(h2, h_len));                                 // step 14
}

}  // namespace carapace::detail
