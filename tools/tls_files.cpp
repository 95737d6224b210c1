#include "tls_files.hpp"

#include <algorithm>

#include "host/pem_files.hpp"
#include "carapace/core/wipe.hpp"
#include "carapace/x509/certificate.hpp"

namespace carapace_tool {

namespace tls = carapace::tls;
namespace x509 = carapace::x509;
using carapace::byte_span;

std::string load_identity(const std::string& cert_path, const std::string& key_path, identity& id) {
    std::string error;
    if (!host::load_certificate_chain(cert_path, id.chain, error)) return error;
    for (const auto& c : id.chain) id.views.emplace_back(c);
    const auto leaf = x509::parse_certificate(id.chain[0]);
    if (!leaf) return cert_path + ": the first certificate is malformed";
    carapace::bytes<32> seed{};
    if (!host::load_ed25519_private_key(key_path, seed, error)) return error;
    id.signer = std::make_unique<tls::ed25519_signer>(seed);
    carapace::secure_wipe(byte_span(seed));
    const auto& pub = id.signer->public_key();
    if (leaf->public_key.type != x509::key_type::ed25519 ||
        !std::equal(pub.begin(), pub.end(), leaf->public_key.key.begin(), leaf->public_key.key.end()))
        return key_path + " does not match the certificate in " + cert_path;
    return {};
}

std::string load_trust(const std::string& path, bool lenient, trust& t) {
    std::string error;
    if (!host::load_certificate_chain(path, t.roots, error)) return error;
    for (const auto& root : t.roots) {
        if (t.store->add(root) == carapace::errc::ok) continue;
        if (lenient) continue;
        if (t.store->size() == trust_capacity) return path + ": more than " + std::to_string(trust_capacity) + " certificates";
        return path + ": a certificate is malformed";
    }
    if (t.store->size() == 0) return path + ": no usable certificate";
    return {};
}

}  // namespace carapace_tool
