// Hybrid Public Key Encryption (RFC 9180 §5.1.1, §5.1.2, §6.1): sender and receiver setup over a
// KEM (dhkem_x25519 or mlkem768_x25519), with HKDF-SHA256 and ChaCha20-Poly1305 (context.hpp),
// and the single-shot Seal/Open of the base mode. The sender's randomness comes from the caller
// (the KEM says how many bytes: encap_random_size), so results are reproducible in tests and the
// library needs no random source.
//
//   carapace::hpke::context ctx;
//   bytes<Kem::enc_size> enc;
//   if (hpke::setup_sender<Kem>(hpke::mode::base, pk_r, random, info, {}, {}, enc, ctx) != errc::ok) ...
//   ctx.seal(aad, plaintext, sealed);
#pragma once

#include "carapace/core/bytes.hpp"
#include "carapace/core/error.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/hpke/context.hpp"
#include "carapace/hpke/dhkem_x25519.hpp"
#include "carapace/hpke/labeled_kdf.hpp"
#include "carapace/hpke/mlkem768_x25519.hpp"

namespace carapace::hpke {

// SetupBaseS / SetupPSKS: encapsulates to pk_r (enc for the receiver) and schedules ctx.
template <class Kem>
[[nodiscard]] constexpr errc setup_sender(mode m, fixed_view<Kem::public_key_size> pk_r,
                                          fixed_view<Kem::encap_random_size> random, byte_view info, byte_view psk,
                                          byte_view psk_id, fixed_span<Kem::enc_size> enc, context& ctx) noexcept {
    bytes<Kem::shared_secret_size> shared{};
    errc e = Kem::encapsulate(pk_r, random, enc, shared);
    if (e == errc::ok) e = ctx.schedule(Kem::id, m, shared, info, psk, psk_id);
    secure_wipe(shared);
    return e;
}

// SetupBaseR / SetupPSKR: decapsulates enc with sk_r and schedules ctx.
template <class Kem>
[[nodiscard]] constexpr errc setup_receiver(mode m, fixed_view<Kem::enc_size> enc, fixed_view<Kem::private_key_size> sk_r,
                                            byte_view info, byte_view psk, byte_view psk_id, context& ctx) noexcept {
    bytes<Kem::shared_secret_size> shared{};
    errc e = Kem::decapsulate(enc, sk_r, shared);
    if (e == errc::ok) e = ctx.schedule(Kem::id, m, shared, info, psk, psk_id);
    secure_wipe(shared);
    return e;
}

// SealBase (§6.1): enc and sealed = ciphertext || tag (plaintext.size() + 16 bytes).
template <class Kem>
[[nodiscard]] constexpr errc seal_base(fixed_view<Kem::public_key_size> pk_r, fixed_view<Kem::encap_random_size> random,
                                       byte_view info, byte_view aad, byte_view plaintext,
                                       fixed_span<Kem::enc_size> enc, byte_span sealed) noexcept {
    context ctx;
    const errc e = setup_sender<Kem>(mode::base, pk_r, random, info, {}, {}, enc, ctx);
    return e == errc::ok ? ctx.seal(aad, plaintext, sealed) : e;
}

// OpenBase (§6.1): authentication_failed (plaintext wiped) when the ciphertext does not open;
// the KEM's own refusals (a small-order X25519 point) come back as invalid_argument.
template <class Kem>
[[nodiscard]] constexpr errc open_base(fixed_view<Kem::enc_size> enc, fixed_view<Kem::private_key_size> sk_r,
                                       byte_view info, byte_view aad, byte_view sealed, byte_span plaintext) noexcept {
    context ctx;
    const errc e = setup_receiver<Kem>(mode::base, enc, sk_r, info, {}, {}, ctx);
    if (e != errc::ok) {
        secure_wipe(plaintext);
        return e;
    }
    return ctx.open(aad, sealed, plaintext);
}

}  // namespace carapace::hpke
