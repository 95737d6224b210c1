// AES-GCM dispatched over its CPU variants (core/cpu_dispatch.hpp): on x86-64 VAES on 512-bit
// registers (AVX-512), else VAES on 256-bit ones, else AES-NI; on 64-bit ARM the Cryptography
// Extensions (AES and PMULL); else portable (always portable in constant evaluation). Each is faster than the next at every message length where both run (measured on
// AMD Zen 5: at 64 bytes and 16 KiB, 57 and 2,400 cycles for AES-128 on the 512-bit engine, 85
// and 4,800 on the 256-bit one). The variants' key states differ (round keys
// and GHASH powers in each one's own layout), so the key state stores the choice made when the key
// is set, and every call on that key goes to the variant that built it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/gcm_aesni.hpp"
#include "carapace/aead/detail/gcm_armv8.hpp"
#include "carapace/aead/detail/gcm_mode.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/aead/detail/gcm_vaes.hpp"
#include "carapace/aead/detail/gcm_vaes512.hpp"
#include "carapace/core/cpu_dispatch.hpp"

namespace carapace::detail {

struct gcm_dispatch {
    using variants = cpu_variants<gcm_vaes512, gcm_vaes, gcm_aesni, gcm_armv8, gcm_portable>;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    struct key_state {
        typename variants::choice engine = variants::portable;
        union states {
            gcm_portable::key_state portable{};
            gcm_aesni::key_state aesni;
            gcm_vaes::key_state vaes;  // also the 512-bit engine's
            gcm_armv8::key_state armv8;
        } u;
    };

    static_assert(std::is_same_v<gcm_vaes512::key_state, gcm_vaes::key_state>, "the VAES engines share a key state");

    // The union member that variant E keeps its key state in.
    template <class E, class S>
    static constexpr auto& state_of(S& s) noexcept {
        if constexpr (std::is_same_v<E, gcm_vaes> || std::is_same_v<E, gcm_vaes512>)
            return s.u.vaes;
        else if constexpr (std::is_same_v<E, gcm_aesni>)
            return s.u.aesni;
        else if constexpr (std::is_same_v<E, gcm_armv8>)
            return s.u.armv8;
        else
            return s.u.portable;
    }

    // The name of the engine that keys set now get.
    static const char* chosen_name() noexcept { return variants::name_of(variants::best()); }

    static constexpr void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        s.engine = variants::best();
        variants::call(s.engine, [&]<class E>() {
            auto& state = state_of<E>(s);
            state = {};
            E::init(state, key);
        });
    }

    static constexpr void encrypt_block(const key_state& s, const std::uint8_t* in, std::uint8_t* out) noexcept {
        variants::call(s.engine, [&]<class E>() { E::encrypt_block(state_of<E>(s), in, out); });
    }

    static constexpr void ghash(const key_state& s, std::uint8_t* y, const std::uint8_t* data, std::size_t count) noexcept {
        variants::call(s.engine, [&]<class E>() { E::ghash(state_of<E>(s), y, data, count); });
    }

    template <bool Encrypt>
    static constexpr void ctr32_ghash(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                      const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                      std::uint8_t* y) noexcept {
        variants::call(s.engine, [&]<class E>() {
            E::template ctr32_ghash<Encrypt>(state_of<E>(s), prefix, counter, in, out, count, y);
        });
    }

    template <bool Encrypt>
    static constexpr void crypt_message(const key_state& s, const std::uint8_t* j0, const std::uint8_t* in,
                                        std::uint8_t* out, std::size_t size, std::size_t aad_size, std::uint8_t* y,
                                        std::uint8_t* tag) noexcept {
        variants::call(s.engine, [&]<class E>() {
            message_of<E, Encrypt>(state_of<E>(s), j0, in, out, size, aad_size, y, tag);
        });
    }

private:
    // The engine's own whole-message entry point, else the generic one.
    template <class E, bool Encrypt>
    static constexpr void message_of(const typename E::key_state& s, const std::uint8_t* j0, const std::uint8_t* in,
                                     std::uint8_t* out, std::size_t size, std::size_t aad_size, std::uint8_t* y,
                                     std::uint8_t* tag) noexcept {
        if constexpr (requires { E::template crypt_message<Encrypt>(s, j0, in, out, size, aad_size, y, tag); })
            E::template crypt_message<Encrypt>(s, j0, in, out, size, aad_size, y, tag);
        else
            gcm_crypt_message<E, Encrypt>(s, j0, in, out, size, aad_size, y, tag);
    }
};

}  // namespace carapace::detail
