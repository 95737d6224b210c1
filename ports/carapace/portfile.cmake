# Header-only: one build type is enough.
set(VCPKG_BUILD_TYPE release)

# A released version: GitHub's archive of the tag, whose SHA-512 scripts/release prints.
# As an overlay port on a local checkout (vcpkg install carapace --overlay-ports=ports), replace
# the vcpkg_from_github call with this one line (ports/carapace/ sits two levels below the root):
#   set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")
vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO carapace-crypto/carapace
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main
)

# The size switches: each feature defines its macro for every consumer of carapace::carapace.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        tls-no-aes-gcm       CARAPACE_TLS_NO_AES_GCM
        tls-no-aes-ccm       CARAPACE_TLS_NO_AES_CCM
        tls-no-sha384        CARAPACE_TLS_NO_SHA384
        tls-no-ocsp          CARAPACE_TLS_NO_OCSP
        tls-no-pins          CARAPACE_TLS_NO_PINS
        tls-no-psk           CARAPACE_TLS_NO_PSK
        tls-no-certificates  CARAPACE_TLS_NO_CERTIFICATES
        tls-no-raw-public-keys CARAPACE_TLS_NO_RAW_PUBLIC_KEYS
        x509-no-profiles     CARAPACE_X509_NO_PROFILES
        no-ed25519           CARAPACE_NO_ED25519
        no-p256              CARAPACE_NO_P256
        no-p384              CARAPACE_NO_P384
        no-rsa               CARAPACE_NO_RSA
        no-mlkem             CARAPACE_NO_MLKEM
        mlkem-no-matrix      CARAPACE_MLKEM_NO_MATRIX
        x25519-no-base-table CARAPACE_X25519_NO_BASE_TABLE
        ec-no-base-table     CARAPACE_EC_NO_BASE_TABLE
)

# CMakeLists.txt only installs the headers and the CMake package: the tests, carapace-tool, the
# benchmarks and the examples are meson's, so none of them is configured or built here.
vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS ${FEATURE_OPTIONS}
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/carapace)
# The package now lives in share/carapace; drop the emptied share/cmake.
file(GLOB leftovers "${CURRENT_PACKAGES_DIR}/share/cmake/*")
if(NOT leftovers)
    file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/cmake")
endif()

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
