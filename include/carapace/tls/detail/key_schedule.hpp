// The TLS 1.3 key schedule (RFC 8446 §7.1-7.5), the hash chosen at run time by the cipher suite.
//
// Each stage is its own type holding only its secret: early_secret -> handshake_secret ->
// master_secret. A stage moves forward only by being consumed (`std::move(s).next(...)`), which
// wipes it, so no secret can be derived at the wrong time, and every label lives here rather than
// at call sites. The protocol fixes the labels and lengths of every derivation in this file, so
// none of them can fail: nothing here returns an error to be ignored. The only call that takes
// caller-chosen sizes, the exporter, says when they do not fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

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
    // The first n bytes (at most a digest's), to be filled in.
    [[nodiscard]] constexpr byte_span span(std::size_t n) noexcept {
        size_ = static_cast<std::uint8_t>(n < bytes_.size() ? n : bytes_.size());
        return byte_span(bytes_).first(size_);
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr void clear() noexcept {
        secure_wipe(bytes_);
        size_ = 0;
    }

private:
    bytes<max_hash_size> bytes_{};
    std::uint8_t size_ = 0;  // a byte: an idle connection holds four of these
};

// A transcript hash or other digest of the suite's hash.
struct digest {
    bytes<max_hash_size> bytes_{};
    std::size_t size = 0;
    [[nodiscard]] constexpr byte_view view() const noexcept { return byte_view(bytes_).first(size); }
};

// Calls f with a value of the hash type named by kind.
template <class F>
constexpr decltype(auto) with_hash(hash_kind kind, F&& f) {
    if constexpr (have_sha384)
        if (kind == hash_kind::sha384) return f(sha384{});
    return f(sha256{});
}

// A label the protocol fixes ("c hs traffic", ...), its length checked when compiled: with a
// context no longer than a digest and an output no longer than 255 bytes, HKDF-Expand-Label then
// cannot fail.
class fixed_label {
public:
    template <std::size_t N>
    consteval fixed_label(const char (&text)[N]) noexcept : text_(text), size_(N - 1) {
        static_assert(N - 1 + 6 <= 255, "HkdfLabel labels are at most 255 bytes with the tls13 prefix");
    }
    [[nodiscard]] constexpr bytes<64> bytes_() const noexcept {
        bytes<64> out{};
        for (std::size_t i = 0; i < size_ && i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(text_[i]);
        return out;
    }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }

private:
    const char* text_;
    std::size_t size_;
};

// HKDF-Expand-Label with a fixed label: the context is at most a digest and out at most 255
// bytes, so it cannot fail (see fixed_label).
constexpr void expand_label(hash_kind kind, byte_view secret_bytes, fixed_label label, byte_view context,
                            byte_span out) noexcept {
    const auto text = label.bytes_();
    with_hash(kind, [&](auto h) {
        using H = decltype(h);
        bytes<max_hkdf_label_size> info{};
        const std::size_t n = encode_hkdf_label(out.size(), byte_view(text).first(label.size()), context, info);
        // Neither can fail for the sizes callers here pass (see fixed_label); were it to, the output
        // would be zeros rather than left as it was.
        if (n == 0 || hkdf_expand<H>(secret_bytes, byte_view(info).first(n), out) != errc::ok) secure_wipe(out);
    });
}

// Derive-Secret(secret, label, transcript hash) into a new secret of the hash's size.
constexpr secret derive_secret(hash_kind kind, const secret& from, fixed_label label, byte_view transcript_hash) noexcept {
    secret out;
    expand_label(kind, from.view(), label, transcript_hash, out.span(hash_size(kind)));
    return out;
}

// Hash("") of the suite's hash, the context of the "derived" steps and of binder keys.
constexpr digest empty_hash(hash_kind kind) noexcept {
    digest d;
    with_hash(kind, [&](auto h) {
        using H = decltype(h);
        const auto e = H::hash({});
        for (std::size_t i = 0; i < e.size(); ++i) d.bytes_[i] = e[i];
        d.size = e.size();
    });
    return d;
}

// HKDF-Extract(salt, ikm) into a secret.
constexpr secret extract(hash_kind kind, byte_view salt, byte_view ikm) noexcept {
    secret out;
    with_hash(kind, [&](auto h) {
        using H = decltype(h);
        auto prk = hkdf_extract<H>(salt, ikm);
        const byte_span s = out.span(H::digest_size);
        for (std::size_t i = 0; i < H::digest_size; ++i) s[i] = prk[i];
        secure_wipe(prk);
    });
    return out;
}

// The write key and IV of a traffic secret (§7.3).
constexpr void traffic_key_and_iv(hash_kind kind, const secret& traffic, byte_span key,
                                  std::span<std::uint8_t, iv_size> iv) noexcept {
    expand_label(kind, traffic.view(), "key", {}, key);
    expand_label(kind, traffic.view(), "iv", {}, iv);
}

// application_traffic_secret_N+1 (§7.2).
constexpr void next_traffic_secret(hash_kind kind, secret& traffic) noexcept {
    secret next;
    expand_label(kind, traffic.view(), "traffic upd", {}, next.span(traffic.size()));
    traffic = next;
}

// Finished verify_data = HMAC(finished_key, transcript hash) (§4.4.4); the same computation
// yields PSK binders (§4.2.11.2) from a binder key.
constexpr digest finished_verify_data(hash_kind kind, const secret& base, byte_view transcript_hash) noexcept {
    digest out;
    with_hash(kind, [&](auto h) {
        using H = decltype(h);
        bytes<H::digest_size> finished_key{};
        expand_label(kind, base.view(), "finished", {}, finished_key);
        hmac<H> mac(finished_key);
        mac.update(transcript_hash);
        mac.final(std::span<std::uint8_t, max_hash_size>(out.bytes_).template first<H::digest_size>());
        out.size = H::digest_size;
        secure_wipe(finished_key);
    });
    return out;
}

// The secret after each stage's "derived" step: HKDF-Extract(Derive-Secret(s, "derived", ""), ikm).
constexpr secret advance(hash_kind kind, const secret& from, byte_view ikm) noexcept {
    const secret derived = derive_secret(kind, from, "derived", empty_hash(kind).view());
    return extract(kind, derived.view(), ikm);
}

struct traffic_pair {
    secret client, server;
};

struct application_secrets {
    secret client, server, exporter;
};

class master_secret;
class handshake_secret;

// Early Secret = HKDF-Extract(0, PSK), zeros without a PSK (§7.1).
class early_secret {
public:
    constexpr early_secret() noexcept = default;
    constexpr early_secret(hash_kind kind, byte_view psk) noexcept : kind_(kind) {
        const digest zeros{};
        const byte_view zero = byte_view(zeros.bytes_).first(hash_size(kind));
        secret_ = extract(kind, zero, psk.empty() ? zero : psk);
    }

    [[nodiscard]] constexpr hash_kind hash() const noexcept { return kind_; }
    [[nodiscard]] constexpr bool valid() const noexcept { return !secret_.empty(); }

    // binder_key: "ext binder" for an external PSK, "res binder" for a resumption one.
    [[nodiscard]] constexpr secret binder_key(bool resumption) const noexcept {
        const digest e = empty_hash(kind_);
        return resumption ? derive_secret(kind_, secret_, "res binder", e.view())
                          : derive_secret(kind_, secret_, "ext binder", e.view());
    }
    // client_early_traffic_secret and early_exporter_master_secret over Hash(ClientHello).
    [[nodiscard]] constexpr secret client_early_traffic(byte_view hello_hash) const noexcept {
        return derive_secret(kind_, secret_, "c e traffic", hello_hash);
    }
    [[nodiscard]] constexpr secret early_exporter(byte_view hello_hash) const noexcept {
        return derive_secret(kind_, secret_, "e exp master", hello_hash);
    }

    // Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE).
    [[nodiscard]] constexpr handshake_secret to_handshake(byte_view shared_secret) && noexcept;

private:
    secret secret_{};
    hash_kind kind_ = hash_kind::sha256;
};

class handshake_secret {
public:
    constexpr handshake_secret() noexcept = default;
    [[nodiscard]] constexpr hash_kind hash() const noexcept { return kind_; }
    [[nodiscard]] constexpr bool valid() const noexcept { return !secret_.empty(); }

    // {client,server}_handshake_traffic_secret over Hash(ClientHello..ServerHello).
    [[nodiscard]] constexpr traffic_pair traffic(byte_view hello_hash) const noexcept {
        return {derive_secret(kind_, secret_, "c hs traffic", hello_hash),
                derive_secret(kind_, secret_, "s hs traffic", hello_hash)};
    }

    // Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0).
    [[nodiscard]] constexpr master_secret to_master() && noexcept;

    constexpr void wipe() noexcept { secret_.clear(); }

private:
    friend class early_secret;
    constexpr handshake_secret(hash_kind kind, secret s) noexcept : secret_(s), kind_(kind) {}
    secret secret_{};
    hash_kind kind_ = hash_kind::sha256;
};

class master_secret {
public:
    constexpr master_secret() noexcept = default;
    [[nodiscard]] constexpr hash_kind hash() const noexcept { return kind_; }
    [[nodiscard]] constexpr bool valid() const noexcept { return !secret_.empty(); }

    // The application traffic secrets and exporter_master_secret over Hash(ClientHello..server
    // Finished).
    [[nodiscard]] constexpr application_secrets application(byte_view server_finished_hash) const noexcept {
        return {derive_secret(kind_, secret_, "c ap traffic", server_finished_hash),
                derive_secret(kind_, secret_, "s ap traffic", server_finished_hash),
                derive_secret(kind_, secret_, "exp master", server_finished_hash)};
    }

    // resumption_master_secret over Hash(ClientHello..client Finished): the schedule's last
    // derivation, so it consumes the stage.
    [[nodiscard]] constexpr secret to_resumption(byte_view client_finished_hash) && noexcept {
        secret out = derive_secret(kind_, secret_, "res master", client_finished_hash);
        secret_.clear();
        return out;
    }

    constexpr void wipe() noexcept { secret_.clear(); }

private:
    friend class handshake_secret;
    constexpr master_secret(hash_kind kind, secret s) noexcept : secret_(s), kind_(kind) {}
    secret secret_{};
    hash_kind kind_ = hash_kind::sha256;
};

constexpr handshake_secret early_secret::to_handshake(byte_view shared_secret) && noexcept {
    handshake_secret next(kind_, advance(kind_, secret_, shared_secret));
    secret_.clear();
    return next;
}

constexpr master_secret handshake_secret::to_master() && noexcept {
    const digest zeros{};
    master_secret next(kind_, advance(kind_, secret_, byte_view(zeros.bytes_).first(hash_size(kind_))));
    secret_.clear();
    return next;
}

// The PSK a ticket stands for: HKDF-Expand-Label(resumption_master_secret, "resumption",
// ticket_nonce, Hash.length) (§4.6.1). The nonce is at most 255 bytes by its encoding.
constexpr secret resumption_psk(hash_kind kind, const secret& resumption_master, byte_view nonce) noexcept {
    secret out;
    if (nonce.size() > 255) return out;
    expand_label(kind, resumption_master.view(), "resumption", nonce, out.span(hash_size(kind)));
    return out;
}

// TLS-Exporter(label, context, length) = HKDF-Expand-Label(Derive-Secret(exporter_master, label,
// ""), "exporter", Hash(context), length) (§7.5). The label and length are the caller's:
// invalid_argument when they do not fit HkdfLabel.
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
