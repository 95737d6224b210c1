// Counts every heap allocation of the test program (operator new is replaced in
// allocations.cpp), so tests can show the library makes none.
#pragma once

#include <cstddef>

namespace test_support {
std::size_t allocation_count() noexcept;
}
