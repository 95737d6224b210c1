// Picks the AES-GCM engine when a key is set: VAES, else AES-NI, else portable (always portable
// in constant evaluation). The key state holds whichever one was picked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "carapace/aead/detail/gcm_aesni.hpp"
#include "carapace/aead/detail/gcm_mode.hpp"
#include "carapace/aead/detail/gcm_portable.hpp"
#include "carapace/aead/detail/gcm_vaes.hpp"
#include "carapace/core/cpu.hpp"

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
#if CARAPACE_HAVE_X86_INTRINSICS
        static const choice picked = gcm_vaes::supported()    ? choice::vaes
                                     : gcm_aesni::supported() ? choice::aesni
                                                              : choice::portable;
        return picked;
#else
        return choice::portable;  // no other engine compiled; and no function-local static (a guard)
#endif
    }

    static constexpr void init(key_state& s, std::span<const std::uint8_t> key) noexcept {
        s.engine = std::is_constant_evaluated() ? choice::portable : best();
        switch (s.engine) {
            case choice::vaes: s.u.vaes = {}; return gcm_vaes::init(s.u.vaes, key);
            case choice::aesni: s.u.aesni = {}; return gcm_aesni::init(s.u.aesni, key);
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

    template <bool Encrypt>
    static constexpr void crypt_message(const key_state& s, const std::uint8_t* j0, const std::uint8_t* in,
                                        std::uint8_t* out, std::size_t size, std::size_t aad_size, std::uint8_t* y,
                                        std::uint8_t* tag) noexcept {
        switch (s.engine) {
            case choice::vaes:
                return message_of<gcm_vaes, Encrypt>(s.u.vaes, j0, in, out, size, aad_size, y, tag);
            case choice::aesni:
                return message_of<gcm_aesni, Encrypt>(s.u.aesni, j0, in, out, size, aad_size, y, tag);
            case choice::portable:
                return message_of<gcm_portable, Encrypt>(s.u.portable, j0, in, out, size, aad_size, y, tag);
        }
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
