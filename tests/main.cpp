// doctest's main. MinGW-w64's default (win32) thread model gives GCC 12's libstdc++ no std::mutex,
// which doctest's reporters lock: the suite runs on one thread, so they need no lock there.
#include <cstddef>  // libstdc++'s configuration: whether it has threads (_GLIBCXX_HAS_GTHREADS)
#if defined(__MINGW32__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_HAS_GTHREADS)
#define DOCTEST_CONFIG_NO_MULTITHREADING
#endif
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
