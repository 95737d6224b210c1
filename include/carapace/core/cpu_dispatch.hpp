// How the library picks among CPU variants of one primitive (SHA-256 with SHA-NI or portable,
// AES-GCM with VAES, AES-NI or portable, ...): the one idiom every dispatcher uses, after
// BearSSL's *_get() functions.
//
// - A variant set lists its variants fastest first; each says supported(). The last one is the
//   portable one, and it must always be supported (checked at compile time).
// - best() picks the first supported variant once, at the first call, and keeps that choice. In
//   constant evaluation it is always the portable one. Built without intrinsics (off x86-64 and
//   64-bit ARM, or with -DCARAPACE_FORCE_PORTABLE) it is the portable one with no run-time state
//   at all: no function-local static, so no guard variable, which bare-metal builds without a C++
//   runtime cannot link. CARAPACE_FORCE_PORTABLE=1 in the environment makes every supported() false
//   (core/cpu.hpp), so the portable one is picked.
// - Where a variant's key state has its own layout (AES-GCM's round keys and GHASH powers), the
//   key object stores the choice next to that state when the key is set, so an object keyed on
//   one variant keeps using it; elsewhere the state means the same to every variant and the call
//   uses best() directly.
// - call(choice, f) runs f.template operator()<Variant>() for the chosen variant: one compare per
//   variant, inlined, no indirect call on the hot paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "carapace/core/cpu.hpp"

namespace carapace::detail {

template <class... Variants>
struct cpu_variants {
    static_assert(sizeof...(Variants) >= 1, "a variant set needs at least its portable variant");
    static_assert(sizeof...(Variants) < 256, "a choice is one byte");

    // An index into Variants.
    using choice = std::uint8_t;
    static constexpr std::size_t count = sizeof...(Variants);
    template <std::size_t I>
    using variant = std::tuple_element_t<I, std::tuple<Variants...>>;
    using portable_variant = variant<count - 1>;
    static constexpr choice portable = static_cast<choice>(count - 1);
    static_assert(portable_variant::supported(), "the last variant is the portable one: it always runs");

    // The fastest variant this CPU supports: picked at the first call and kept.
    static constexpr choice best() noexcept {
        if (std::is_constant_evaluated()) return portable;
        return picked();
    }

    // f.template operator()<V>() for the variant V that c names (c from best()).
    template <class F>
    static constexpr decltype(auto) call(choice c, F&& f) {
        return call_from<0>(c, f);
    }

    // The chosen variant's name (each variant has one), for reports such as `carapace-tool speed`.
    static constexpr const char* name_of(choice c) noexcept {
        constexpr const char* names[] = {Variants::name...};
        return c < count ? names[c] : names[count - 1];
    }

private:
    template <std::size_t I, class F>
    static constexpr decltype(auto) call_from(choice c, F& f) {
        if constexpr (I + 1 == count) {
            return f.template operator()<variant<I>>();
        } else {
            if (c == I) return f.template operator()<variant<I>>();
            return call_from<I + 1>(c, f);
        }
    }

#if CARAPACE_HAVE_X86_INTRINSICS || CARAPACE_HAVE_ARM_INTRINSICS
    static choice picked() noexcept {
        static const choice first = first_supported();
        return first;
    }

    static choice first_supported() noexcept {
        choice i = 0;
        // Stops at the first supported variant; the portable one ends the list, so i < count.
        (void)((Variants::supported() || (++i, false)) || ...);
        return i;
    }
#else
    // Nothing else compiled, and no guarded static (see above).
    static constexpr choice picked() noexcept { return portable; }
#endif
};

}  // namespace carapace::detail
