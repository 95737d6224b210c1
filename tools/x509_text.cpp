#include "x509_text.hpp"

#include <cstdio>
#include <iterator>
#include <string>

#include "carapace/x509/der.hpp"
#include "carapace/x509/names.hpp"

namespace carapace_tool {

namespace x509 = carapace::x509;
namespace der = carapace::der;

namespace {

std::string attribute_name(carapace::byte_view oid) {
    struct known {
        std::initializer_list<std::uint8_t> octets;
        const char* name;
    };
    static const known names[] = {
        {{0x55, 0x04, 0x03}, "CN"},
        {{0x55, 0x04, 0x06}, "C"},
        {{0x55, 0x04, 0x07}, "L"},
        {{0x55, 0x04, 0x08}, "ST"},
        {{0x55, 0x04, 0x0a}, "O"},
        {{0x55, 0x04, 0x0b}, "OU"},
        {{0x55, 0x04, 0x05}, "serialNumber"},
        {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, "emailAddress"},
        {{0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}, "DC"},
    };
    for (const auto& k : names)
        if (der::equal(oid, carapace::byte_view(k.octets.begin(), k.octets.size()))) return k.name;
    // Dotted decimal for the rest.
    std::string dotted;
    std::uint64_t arc = 0;
    bool first = true;
    for (const std::uint8_t b : oid) {
        arc = arc << 7 | (b & 0x7fu);
        if (b & 0x80u) continue;
        if (first) {
            const std::uint64_t top = arc < 80 ? arc / 40 : 2;
            dotted = std::to_string(top);
            dotted += '.';
            dotted += std::to_string(arc - 40 * top);
            first = false;
        } else {
            dotted += '.';
            dotted += std::to_string(arc);
        }
        arc = 0;
    }
    return dotted;
}

// A directory string's characters: ASCII as it is, BMPString (UTF-16BE) to UTF-8, anything
// that is not printable as \XX.
std::string attribute_value(const der::element& value) {
    std::string out;
    auto put = [&](std::uint32_t c) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else if (c >= 0x80 && value.tag != der::octet_string) {
            if (c < 0x800) {
                out += static_cast<char>(0xc0 | (c >> 6));
            } else {
                out += static_cast<char>(0xe0 | (c >> 12));
                out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            }
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\%02X", static_cast<unsigned>(c & 0xff));
            out += hex;
        }
    };
    if (value.tag == der::bmp_string && value.content.size() % 2 == 0) {
        for (std::size_t i = 0; i < value.content.size(); i += 2)
            put(static_cast<std::uint32_t>(value.content[i] << 8 | value.content[i + 1]));
    } else if (value.tag == der::utf8_string) {
        out.append(value.content.begin(), value.content.end());
    } else {
        for (const std::uint8_t b : value.content) put(b < 0x80 ? b : 0xffffffffu);
    }
    return out;
}

}  // namespace

std::string describe_name(carapace::byte_view encoded) {
    std::string out;
    auto name = der::parse_single(encoded, der::sequence);
    if (!name) return "(malformed)";
    der::reader rdns(name->content);
    while (!rdns.empty()) {
        auto rdn = rdns.next();
        if (!rdn) return "(malformed)";
        der::reader attributes(rdn->content);
        bool first_in_rdn = true;
        while (!attributes.empty()) {
            auto attribute = attributes.next();
            if (!attribute) return "(malformed)";
            der::reader fields(attribute->content);
            auto type = fields.next();
            auto value = fields.next();
            if (!type || !value) return "(malformed)";
            if (!out.empty()) out += first_in_rdn ? ", " : " + ";
            out += attribute_name(type->content);
            out += " = ";
            out += attribute_value(*value);
            first_in_rdn = false;
        }
    }
    return out;
}

std::string describe_key(const x509::public_key_info& key) {
    switch (key.type) {
        case x509::key_type::ed25519: return "ed25519/256";
        case x509::key_type::x25519: return "x25519/256";
        case x509::key_type::ec_p256: return "ec-p256/256";
        case x509::key_type::ec_p384: return "ec-p384/384";
        case x509::key_type::ec_p521: return "ec-p521/521";
        case x509::key_type::rsa: return "rsa/" + std::to_string(key.bits);
        case x509::key_type::rsa_pss: return "rsa-pss/" + std::to_string(key.bits);
        case x509::key_type::ec_p192: return "ec-p192/192";
        case x509::key_type::dsa: return "dsa/" + std::to_string(key.bits);
        case x509::key_type::unknown: break;
    }
    return "unknown";
}

// "DNS:a, DNS:b, IP:192.0.2.7, email:x@y, URI:z" (IPv6 in full hex groups); other kinds
// of name as "other".
namespace {

void append_ip(std::string& out, carapace::byte_view address) {
    if (address.size() == 4) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (i != 0) out += '.';
            out += std::to_string(address[i]);
        }
        return;
    }
    char group[8];
    for (std::size_t i = 0; i < 16; i += 2) {
        std::snprintf(group, sizeof group, "%s%x", i == 0 ? "" : ":",
                      static_cast<unsigned>(address[i] << 8 | address[i + 1]));
        out += group;
    }
}

// GeneralNames, or with `subtrees` the bases of GeneralSubtrees (an IP base is address/mask).
std::string describe_names(carapace::byte_view content, bool subtrees) {
    std::string out;
    x509::general_names names(content, subtrees);
    while (!names.empty()) {
        auto name = names.next();
        if (!out.empty()) out += ", ";
        if (!name) return out += "(malformed)";
        const carapace::byte_view c = name->content;
        if (name->tag == x509::general_names::dns_name) {
            out += "DNS:";
            out.append(c.begin(), c.end());
        } else if (name->tag == x509::general_names::ip_address && !subtrees && (c.size() == 4 || c.size() == 16)) {
            out += "IP:";
            append_ip(out, c);
        } else if (name->tag == x509::general_names::ip_address && subtrees && (c.size() == 8 || c.size() == 32)) {
            out += "IP:";
            append_ip(out, c.first(c.size() / 2));
            out += '/';
            append_ip(out, c.subspan(c.size() / 2));
        } else if (name->tag == der::context(1) || name->tag == der::context(6)) {
            out += name->tag == der::context(1) ? "email:" : "URI:";
            out.append(c.begin(), c.end());
        } else if (name->tag == der::context(4)) {
            out += "DirName:" + describe_name(c);
        } else {
            out += "other";
        }
    }
    return out;
}

}  // namespace

std::string describe_san(carapace::byte_view content) { return describe_names(content, false); }

std::string describe_key_usage(const x509::certificate& c) {
    if (!c.has_key_usage) return "none";
    static constexpr const char* names[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                            "dataEncipherment", "keyAgreement",   "keyCertSign",
                                            "cRLSign",          "encipherOnly",   "decipherOnly"};
    std::string out;
    for (std::size_t bit = 0; bit < std::size(names); ++bit) {
        if ((c.key_usage_bits & (1u << bit)) == 0) continue;
        if (!out.empty()) out += ", ";
        out += names[bit];
    }
    return out.empty() ? "(empty)" : out;
}

std::string describe_extended_key_usage(const x509::certificate& c) {
    if (!c.has_extended_key_usage) return "none";
    std::string out;
    auto add = [&](bool set, const char* name) {
        if (!set) return;
        if (!out.empty()) out += ", ";
        out += name;
    };
    add(c.eku_server_auth, "serverAuth");
    add(c.eku_client_auth, "clientAuth");
    add(c.eku_any, "anyExtendedKeyUsage");
    return out.empty() ? "(others)" : out;
}

std::string describe_name_constraints(const x509::certificate& c) {
    std::string out;
    if (!c.permitted_subtrees.empty()) out += "permitted: " + describe_names(c.permitted_subtrees, true);
    if (!c.excluded_subtrees.empty())
        out += std::string(out.empty() ? "" : "; ") + "excluded: " + describe_names(c.excluded_subtrees, true);
    return out.empty() ? "none" : out;
}

std::string hex_or_none(carapace::byte_view bytes) {
    if (bytes.empty()) return "none";
    std::string out;
    char hex[3];
    for (const std::uint8_t b : bytes) {
        std::snprintf(hex, sizeof hex, "%02X", b);
        out += hex;
    }
    return out;
}

}  // namespace carapace_tool
