// The RSA code paths the tests run every vector on: a word size and a Montgomery engine each
// (portable 32- and 64-bit words, MULX/ADX rows, AVX-512 IFMA). An engine the CPU lacks, or that
// CARAPACE_FORCE_PORTABLE turns off, is reported and its case does nothing.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "carapace/rsa/rsa.hpp"

namespace test_support {

template <class Word, class Engine>
struct on_rsa_engine {
    using word = Word;
    using engine = Engine;
    static std::string name() {
        return std::string(sizeof(Word) == 8 ? "64-bit words, " : "32-bit words, ") + Engine::name;
    }
    static bool runs() {
        if (Engine::supported()) return true;
        MESSAGE(name() << ": not on this CPU (or forced portable)");
        return false;
    }
};

}  // namespace test_support

#if CARAPACE_HAVE_X86_INTRINSICS && CARAPACE_HAVE_INT128
#define RSA_WORD_CASES                                                                                      \
    test_support::on_rsa_engine<std::uint64_t, carapace::detail::rsa_mont_ifma>,                            \
        test_support::on_rsa_engine<std::uint64_t, carapace::detail::rsa_mont_mulx>,                       \
        test_support::on_rsa_engine<std::uint64_t, carapace::detail::rsa_mont_portable>,                   \
        test_support::on_rsa_engine<std::uint32_t, carapace::detail::rsa_mont_portable>
#elif CARAPACE_HAVE_INT128
#define RSA_WORD_CASES                                                              \
    test_support::on_rsa_engine<std::uint64_t, carapace::detail::rsa_mont_portable>, \
        test_support::on_rsa_engine<std::uint32_t, carapace::detail::rsa_mont_portable>
#else
#define RSA_WORD_CASES test_support::on_rsa_engine<std::uint32_t, carapace::detail::rsa_mont_portable>
#endif
