// The TLS 1.3 key schedule (RFC 8446 §7.1-7.5) with the hash chosen at run time by the cipher
// suite. The schedule only moves forward: early -> handshake -> master; each stage's secret
// replaces the last (and is wiped), so a secret cannot be derived at the wrong stage.
#pragma once

#include <cstddef>
#include <cstdint>

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hash/sha256.hpp"
#include "carapace/hash/sha512.hpp"
#include "carapace/kdf/hkdf.hpp"
#include "carapace/mac/hmac.hpp"
#include "carapace/tls/cipher_suites.hpp"
#include "carapace/tls/hkdf_label.hpp"

namespace carapace::tls::detail {

// A secret of the suite's hash size (32 or 48 bytes), wiped when it goes.
class secret {
public:
    constexpr secret() noexcept = default;
    constexpr secret(const secret&) noexcept = default;
    constexpr secret& operator=(const secret&) noexcept = default;
    constexpr ~secret() { secure_wipe(bytes_); }

    [[nodiscard]] constexpr byte_view view() const noexcept { return byte_view(bytes_).first(size_); }
    [[nodiscard]] constexpr byte_span span(std::size_t n) noexcept {
        size_ = n;
        return byte_span(bytes_).first(n);
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    constexpr void clear() noexcept {
        secure_wipe(bytes_);
        size_ = 0;
    }

private:
    bytes<max_hash_size> bytes_{};
    std::size_t size_ = 0;
};

// Calls f with a value of the hash type named by kind.
template <class F>
constexpr decltype(auto) with_hash(hash_kind kind, F&& f) {
    if constexpr (have_sha384)
        if (kind == hash_kind::sha384) return f(sha384{});
    return f(sha256{});
}

constexpr void expand_label(hash_kind kind, byte_view secret_bytes, byte_view label, byte_view context,
                            byte_span out) noexcept {
    with_hash(kind, [&](auto h) {
        using H = decltype(h);
        // The labels and lengths here are fixed by the protocol, so this cannot fail.
        (void)hkdf_expand_label<H>(secret_bytes, label, context, out);
    });
}

// The write key and IV of a traffic secret (§7.3).
constexpr void traffic_key_and_iv(hash_kind kind, const secret& traffic, byte_span key,
                                  std::span<std::uint8_t, iv_size> iv) noexcept {
    expand_label(kind, traffic.view(), literal_bytes("key"), {}, key);
    expand_label(kind, traffic.view(), literal_bytes("iv"), {}, iv);
}

// application_traffic_secret_N+1 (§7.2).
constexpr void next_traffic_secret(hash_kind kind, secret& traffic) noexcept {
    secret next;
    expand_label(kind, traffic.view(), literal_bytes("traffic upd"), {}, next.span(traffic.size()));
    traffic = next;
}

// Finished verify_data = HMAC(finished_key, transcript_hash) (§4.4.4).
constexpr std::size_t finished_verify_data(hash_kind kind, const secret& base, byte_view transcript_hash,
                                           std::span<std::uint8_t, max_hash_size> out) noexcept {
    return with_hash(kind, [&](auto h) {
        using H = decltype(h);
        bytes<H::digest_size> finished_key{};
        (void)hkdf_expand_label<H>(base.view(), literal_bytes("finished"), {}, finished_key);
        hmac<H> mac(finished_key);
        mac.update(transcript_hash);
        mac.final(out.template first<H::digest_size>());
        secure_wipe(finished_key);
        return H::digest_size;
    });
}

class key_schedule {
public:
    enum class stage : std::uint8_t { none, early, handshake, master };

    [[nodiscard]] constexpr stage current_stage() const noexcept { return stage_; }
    [[nodiscard]] constexpr hash_kind hash() const noexcept { return hash_; }
    [[nodiscard]] constexpr std::size_t hash_size() const noexcept { return tls::hash_size(hash_); }

    // Early Secret = HKDF-Extract(0, PSK or zeros).
    constexpr void start(hash_kind kind, byte_view psk = {}) noexcept {
        hash_ = kind;
        bytes<max_hash_size> zeros{};
        extract(byte_view(zeros).first(hash_size()), psk.empty() ? byte_view(zeros).first(hash_size()) : psk);
        stage_ = stage::early;
    }

    // Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE).
    [[nodiscard]] constexpr errc to_handshake(byte_view shared_secret) noexcept {
        if (stage_ != stage::early) return errc::invalid_argument;
        advance(shared_secret);
        stage_ = stage::handshake;
        return errc::ok;
    }

    // Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0).
    [[nodiscard]] constexpr errc to_master() noexcept {
        if (stage_ != stage::handshake) return errc::invalid_argument;
        bytes<max_hash_size> zeros{};
        advance(byte_view(zeros).first(hash_size()));
        stage_ = stage::master;
        return errc::ok;
    }

    // Derive-Secret(current stage secret, label, transcript hash).
    [[nodiscard]] constexpr errc derive(stage expected, byte_view label, byte_view transcript_hash,
                                        secret& out) const noexcept {
        if (stage_ != expected || transcript_hash.size() != hash_size()) return errc::invalid_argument;
        expand_label(hash_, current_.view(), label, transcript_hash, out.span(hash_size()));
        return errc::ok;
    }

    constexpr void wipe() noexcept {
        current_.clear();
        stage_ = stage::none;
    }

private:
    constexpr void extract(byte_view salt, byte_view ikm) noexcept {
        with_hash(hash_, [&](auto h) {
            using H = decltype(h);
            auto prk = hkdf_extract<H>(salt, ikm);
            for (std::size_t i = 0; i < H::digest_size; ++i) current_.span(H::digest_size)[i] = prk[i];
            secure_wipe(prk);
        });
    }

    constexpr void advance(byte_view ikm) noexcept {
        bytes<max_hash_size> empty_hash{};
        with_hash(hash_, [&](auto h) {
            using H = decltype(h);
            const auto d = H::hash({});
            for (std::size_t i = 0; i < d.size(); ++i) empty_hash[i] = d[i];
        });
        secret derived;
        expand_label(hash_, current_.view(), literal_bytes("derived"), byte_view(empty_hash).first(hash_size()),
                     derived.span(hash_size()));
        extract(derived.view(), ikm);
    }

    secret current_{};
    hash_kind hash_ = hash_kind::sha256;
    stage stage_ = stage::none;
};

// TLS-Exporter(label, context, length) = HKDF-Expand-Label(Derive-Secret(exporter_master, label,
// ""), "exporter", Hash(context), length) (§7.5).
constexpr errc export_keying_material(hash_kind kind, const secret& exporter_master, byte_view label,
                                      byte_view context, byte_span out) noexcept {
    return with_hash(kind, [&](auto h) {
        using H = decltype(h);
        const auto empty = H::hash({});
        bytes<H::digest_size> derived{};
        if (const errc e = hkdf_expand_label<H>(exporter_master.view(), label, empty, derived); e != errc::ok)
            return e;
        const auto context_hash = H::hash(context);
        const errc e = hkdf_expand_label<H>(derived, literal_bytes("exporter"), context_hash, out);
        secure_wipe(derived);
        return e;
    });
}

}  // namespace carapace::tls::detail
