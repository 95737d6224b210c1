// The library's version, kept in step with meson.build and CMakeLists.txt.
#pragma once

#define CARAPACE_VERSION_MAJOR 0
#define CARAPACE_VERSION_MINOR 1
#define CARAPACE_VERSION_PATCH 0
#define CARAPACE_VERSION_STRING "0.1.0"
