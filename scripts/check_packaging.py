#!/usr/bin/env python3
"""Holds the packaging to the version in include/carapace/version.hpp and to one list of size
switches: meson.build, CMakeLists.txt, the Conan recipes (conanfile.py and the Conan Center
variant in packaging/conan-center/), the vcpkg port (ports/carapace/) and CHANGELOG.md.
Prints one line per check and ends with "N passed, N failed"; exit status 1 on any failure.
Cheap (no build): scripts/test runs it in its packaging stage.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed, failed = 0, 0


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAILED: {what}{': ' + detail if detail else ''}")


header = read("include/carapace/version.hpp")
fields = dict(re.findall(r"#define CARAPACE_VERSION_(MAJOR|MINOR|PATCH)\s+(\d+)", header))
m = re.search(r'#define CARAPACE_VERSION_STRING "(\d+)\.(\d+)\.(\d+)"', header)
version = ".".join(m.groups()) if m else "?"
check(f"version.hpp: CARAPACE_VERSION_STRING {version} matches MAJOR.MINOR.PATCH",
      m is not None and [fields.get(k) for k in ("MAJOR", "MINOR", "PATCH")] == list(m.groups()))
major_minor = ".".join(version.split(".")[:2])

meson = read("meson.build")
mv = re.search(r"project\('carapace',.*?version\s*:\s*'([^']+)'", meson, re.S)
check("meson.build: project version is version.hpp's", mv is not None and mv.group(1) == version,
      f"meson says {mv.group(1) if mv else 'nothing'}, version.hpp {version}")
check("meson.build: checks version.hpp at setup", "include/carapace/version.hpp" in meson)

cmake = read("CMakeLists.txt")
check("CMakeLists.txt: reads the version from version.hpp",
      "include/carapace/version.hpp" in cmake and "project(carapace VERSION ${CMAKE_MATCH_1}" in cmake)
check("CMakeLists.txt: the version file is SameMajorVersion", "COMPATIBILITY SameMajorVersion" in cmake)
consumer = read("tests/consumers/cmake/CMakeLists.txt")
check(f"tests/consumers/cmake asks for carapace {major_minor}", f"find_package(carapace {major_minor} REQUIRED)" in consumer)

# The size switches: the macros the headers test, and each packaging's list of them.
used = set()
for dirpath, _, files in os.walk(os.path.join(ROOT, "include")):
    for name in files:
        with open(os.path.join(dirpath, name), encoding="utf-8") as f:
            used |= set(re.findall(r"\bCARAPACE_\w*NO_\w+", f.read()))
m = re.search(r"set\(carapace_size_switches(.*?)\)", cmake, re.S)
cmake_switches = set(m.group(1).split()) if m else set()
check("CMakeLists.txt: an option for each size switch the headers know", cmake_switches == used,
      f"missing {sorted(used - cmake_switches)}, unknown {sorted(cmake_switches - used)}")


def conan_switches(path):
    text = read(path)
    m = re.search(r"SIZE_SWITCHES = \((.*?)\)", text, re.S)
    return {"CARAPACE_" + s.upper() for s in re.findall(r'"(\w+)"', m.group(1))} if m else set()


conan = read("conanfile.py")
check("conanfile.py: set_version() reads version.hpp",
      re.search(r"def set_version\(self\):.*?version\.hpp", conan, re.S) is not None)
for recipe in ("conanfile.py", "packaging/conan-center/all/conanfile.py"):
    text = read(recipe)
    got = conan_switches(recipe)
    check(f"{recipe}: an option for each size switch", got == used,
          f"missing {sorted(used - got)}, unknown {sorted(got - used)}")
    for needed in ('package_type = "header-library"', "no_copy_source = True", "self.info.clear()",
                   "check_min_cppstd(self, self._min_cppstd)", '"cmake_file_name", "carapace"',
                   '"cmake_target_name", "carapace::carapace"', "self.cpp_info.bindirs = []",
                   "self.cpp_info.libdirs = []", '"licenses"'):
        check(f"{recipe}: has {needed}", needed in text)
conandata = read("packaging/conan-center/all/conandata.yml")
check(f"packaging/conan-center/all/conandata.yml: lists {version}", f'"{version}":' in conandata and
      f"v{version}.tar.gz" in conandata)
check(f"packaging/conan-center/config.yml: lists {version}", f'"{version}":' in read("packaging/conan-center/config.yml"))

port = json.loads(read("ports/carapace/vcpkg.json"))
check("ports/carapace/vcpkg.json: version is version.hpp's", port.get("version") == version,
      f"port says {port.get('version')}, version.hpp {version}")
check("ports/carapace/vcpkg.json: license Apache-2.0", port.get("license") == "Apache-2.0")
host_deps = {d["name"] for d in port.get("dependencies", []) if isinstance(d, dict) and d.get("host")}
check("ports/carapace/vcpkg.json: host dependencies vcpkg-cmake, vcpkg-cmake-config",
      host_deps == {"vcpkg-cmake", "vcpkg-cmake-config"})
portfile = read("ports/carapace/portfile.cmake")
mapping = dict(re.findall(r"^\s+([a-z0-9-]+)\s+(CARAPACE_\w+)\s*$", portfile, re.M))
check("ports/carapace: one feature per size switch, each mapped in portfile.cmake",
      set(mapping.values()) == used and set(mapping) == set(port.get("features", {})),
      f"portfile maps {sorted(mapping)}, vcpkg.json has {sorted(port.get('features', {}))}")
for needed in ("vcpkg_from_github(", "vcpkg_cmake_configure(", "vcpkg_cmake_install()",
               "vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/carapace)", "vcpkg_install_copyright(",
               'set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")'):
    check(f"ports/carapace/portfile.cmake: has {needed}", needed in portfile)
check("ports/carapace/usage names carapace::carapace", "carapace::carapace" in read("ports/carapace/usage"))

# The project's public repository, named in four places: they must agree.
repos = {
    "conanfile.py homepage": re.search(r'homepage = "https://github.com/([^"]+)"', conan),
    "conan-center conanfile.py homepage": re.search(r'homepage = "https://github.com/([^"]+)"',
                                                    read("packaging/conan-center/all/conanfile.py")),
    "conandata.yml url": re.search(r'url: "https://github.com/([^/]+/[^/]+)/archive/', conandata),
    "vcpkg.json homepage": re.match(r"https://github.com/(.+)$", port.get("homepage", "")),
    "portfile.cmake REPO": re.search(r"REPO (\S+)", portfile),
}
named = {k: (m.group(1) if m else None) for k, m in repos.items()}
check("the recipes and the port name the same repository", len(set(named.values())) == 1 and None not in named.values(),
      str(named))
m = re.search(r"SHA512 (\S+)", portfile)
check("ports/carapace/portfile.cmake: SHA512 is scripts/release's (or 0 until the release is tagged)",
      m is not None and re.fullmatch(r"0|[0-9a-f]{128}", m.group(1)) is not None)
m = re.search(r'sha256: "([^"]+)"', conandata)
check("conandata.yml: sha256 is scripts/release's (or zeros until the release is tagged)",
      m is not None and re.fullmatch(r"[0-9a-f]{64}", m.group(1)) is not None)

check(f"CHANGELOG.md: a section for {version}", re.search(rf"^## \[?{re.escape(version)}\b", read("CHANGELOG.md"), re.M)
      is not None)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
