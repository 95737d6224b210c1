# Conan Center's recipe for carapace (recipes/carapace/all/ in conan-center-index): the same as
# the conanfile.py at carapace's root, except that the sources are a released tarball listed in
# conandata.yml (url and sha256 from scripts/release) instead of the recipe's folder. To submit:
# copy this folder's files and carapace's test_package/ into recipes/carapace/all/, and config.yml
# into recipes/carapace/.
import os

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.files import apply_conandata_patches, copy, export_conandata_patches, get
from conan.tools.layout import basic_layout
from conan.tools.scm import Version

required_conan_version = ">=2.0"

# The size switches (README, "Bare metal"), each an option that defines the macro of the same
# name, upper-cased, for every consumer. CMakeLists.txt and the vcpkg port have the same list.
SIZE_SWITCHES = (
    "tls_no_aes_gcm", "tls_no_aes_ccm", "tls_no_sha384", "tls_no_ocsp", "tls_no_pins", "tls_no_psk", "tls_no_certificates",
    "tls_no_raw_public_keys",
    "x509_no_profiles",
    "no_ed25519", "no_p256", "no_p384", "no_rsa", "no_mlkem", "mlkem_no_matrix",
    "x25519_no_base_table", "ec_no_base_table",
)


class CarapaceConan(ConanFile):
    name = "carapace"
    description = "Header-only C++20 cryptography and a sans-I/O TLS 1.3 engine: no heap, no exceptions"
    license = "Apache-2.0"
    url = "https://github.com/conan-io/conan-center-index"
    homepage = "https://github.com/carapace-crypto/carapace"
    topics = ("cryptography", "tls", "tls13", "x509", "aead", "ml-kem", "embedded", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {switch: [True, False] for switch in SIZE_SWITCHES}
    default_options = {switch: False for switch in SIZE_SWITCHES}
    no_copy_source = True

    @property
    def _min_cppstd(self):
        return 20

    @property
    def _compilers_minimum_version(self):
        return {
            "gcc": "12",
            "clang": "14",
            "apple-clang": "14",
            "msvc": "193",
            "Visual Studio": "17",
        }

    def export_sources(self):
        export_conandata_patches(self)

    def layout(self):
        basic_layout(self, src_folder="src")

    def package_id(self):
        self.info.clear()

    def validate(self):
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, self._min_cppstd)
        minimum_version = self._compilers_minimum_version.get(str(self.settings.compiler), False)
        if minimum_version and Version(self.settings.compiler.version) < minimum_version:
            raise ConanInvalidConfiguration(
                f"{self.ref} requires C++{self._min_cppstd}, which your compiler does not support."
            )

    def source(self):
        get(self, **self.conan_data["sources"][self.version], strip_root=True)

    def build(self):
        apply_conandata_patches(self)

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "carapace")
        self.cpp_info.set_property("cmake_target_name", "carapace::carapace")
        self.cpp_info.set_property("pkg_config_name", "carapace")
        self.cpp_info.defines = [f"CARAPACE_{switch.upper()}" for switch in SIZE_SWITCHES
                                 if self.options.get_safe(switch)]
