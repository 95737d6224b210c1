// The library's version, the one place it is written: meson.build checks it, CMakeLists.txt,
// conanfile.py and scripts/release read it, and scripts/check_packaging.py holds the vcpkg port
// and the Conan data to it. Semantic versioning: a major version change breaks the API.
#pragma once

#define CARAPACE_VERSION_MAJOR 0         // incompatible API changes (0: still moving)
#define CARAPACE_VERSION_MINOR 2         // added features
#define CARAPACE_VERSION_PATCH 0         // fixes
#define CARAPACE_VERSION_STRING "0.2.0"  // MAJOR.MINOR.PATCH
