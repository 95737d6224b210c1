// AES-CCM dispatched over its CPU variants (core/cpu_dispatch.hpp): AES-NI on x86-64, the AES
// instructions of the Cryptography Extensions on 64-bit ARM, else portable (always portable in
// constant evaluation). The variants' key states differ (plain round keys,
// or bit planes), so the key state stores the choice made when the key is set, and every call on
// that key goes to the variant that built it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/ccm_aesni.hpp"
#include "carapace/aead/detail/ccm_armv8.hpp"
#include "carapace/aead/detail/ccm_portable.hpp"
#include "carapace/core/cpu_dispatch.hpp"

namespace carapace::detail {

struct ccm_dispatch {
    using variants = cpu_variants<ccm_aesni, ccm_armv8, ccm_portable>;
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    struct key_state {
        typename variants::choice engine = variants::portable;
        union states {
            ccm_portable::key_state portable{};
            ccm_aesni::key_state aesni;
            ccm_armv8::key_state armv8;
        } u;
    };

    // The union member that variant E keeps its key state in.
    template <class E, class S>
    static constexpr auto& state_of(S& s) noexcept {
        if constexpr (std::is_same_v<E, ccm_aesni>)
            return s.u.aesni;
        else if constexpr (std::is_same_v<E, ccm_armv8>)
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

    static constexpr void encrypt_block(const key_state& s, std::uint8_t* block) noexcept {
        variants::call(s.engine, [&]<class E>() { E::encrypt_block(state_of<E>(s), block); });
    }

    static constexpr void encrypt2(const key_state& s, std::uint8_t* a, std::uint8_t* b) noexcept {
        variants::call(s.engine, [&]<class E>() { E::encrypt2(state_of<E>(s), a, b); });
    }

    static constexpr void cbc_mac(const key_state& s, std::uint8_t* y, const std::uint8_t* data,
                                  std::size_t count) noexcept {
        variants::call(s.engine, [&]<class E>() { E::cbc_mac(state_of<E>(s), y, data, count); });
    }

    template <bool Encrypt>
    static constexpr void ctr_cbc_mac(const key_state& s, std::uint8_t* y, std::uint8_t* ctr, const std::uint8_t* in,
                                      std::uint8_t* out, std::size_t count) noexcept {
        variants::call(s.engine,
                       [&]<class E>() { E::template ctr_cbc_mac<Encrypt>(state_of<E>(s), y, ctr, in, out, count); });
    }
};

}  // namespace carapace::detail
