// Picks the AES-GCM engine when a key is set: VAES, else AES-NI, else portable (always portable
// in constant evaluation). The key state holds whichever one was picked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/gcm_aesni.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/aead/detail/gcm_vaes.hpp"

namespace carapace::detail {

struct gcm_dispatch {
    static constexpr const char* name = "auto";
    static constexpr bool supported() noexcept { return true; }

    enum class choice : std::uint8_t { portable, aesni, vaes };

    struct key_state {
        choice engine = choice::portable;
        union states {
            gcm_portable::key_state portable{};
            gcm_aesni::key_state aesni;
            gcm_vaes::key_state vaes;
        } u;
    };

    // The engine keys get; decided once.
    static choice best() noexcept {
        static const choice picked = gcm_vaes::supported()    ? choice::vaes
                                     : gcm_aesni::supported() ? choice::aesni
                                                              : choice::portable;
        return picked;
    }

    static constexpr void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        s.engine = std::is_constant_evaluated() ? choice::portable : best();
        switch (s.engine) {
            case choice::vaes: std::construct_at(&s.u.vaes); return gcm_vaes::init(s.u.vaes, key);
            case choice::aesni: std::construct_at(&s.u.aesni); return gcm_aesni::init(s.u.aesni, key);
            case choice::portable: return gcm_portable::init(s.u.portable, key);
        }
    }

    static constexpr void encrypt_block(const key_state& s, const std::uint8_t* in, std::uint8_t* out) noexcept {
        switch (s.engine) {
            case choice::vaes: return gcm_vaes::encrypt_block(s.u.vaes, in, out);
            case choice::aesni: return gcm_aesni::encrypt_block(s.u.aesni, in, out);
            case choice::portable: return gcm_portable::encrypt_block(s.u.portable, in, out);
        }
    }

    static constexpr void ghash(const key_state& s, std::uint8_t* y, const std::uint8_t* data, std::size_t count) noexcept {
        switch (s.engine) {
            case choice::vaes: return gcm_vaes::ghash(s.u.vaes, y, data, count);
            case choice::aesni: return gcm_aesni::ghash(s.u.aesni, y, data, count);
            case choice::portable: return gcm_portable::ghash(s.u.portable, y, data, count);
        }
    }

    template <bool Encrypt>
    static constexpr void ctr32_ghash(const key_state& s, const std::uint8_t* prefix, std::uint32_t counter,
                                      const std::uint8_t* in, std::uint8_t* out, std::size_t count,
                                      std::uint8_t* y) noexcept {
        switch (s.engine) {
            case choice::vaes: return gcm_vaes::ctr32_ghash<Encrypt>(s.u.vaes, prefix, counter, in, out, count, y);
            case choice::aesni: return gcm_aesni::ctr32_ghash<Encrypt>(s.u.aesni, prefix, counter, in, out, count, y);
            case choice::portable:
                return gcm_portable::ctr32_ghash<Encrypt>(s.u.portable, prefix, counter, in, out, count, y);
        }
    }
};

}  // namespace carapace::detail
