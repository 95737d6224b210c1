#include "tls_options.hpp"

#include <algorithm>
#include <optional>

#include "carapace/tls/client.hpp"

namespace carapace_tool {

namespace tls = carapace::tls;

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> out;
    for (;;) {
        const auto at = text.find(separator);
        out.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::string parse_common(const arguments& args, tls_options& options) {
    if (const auto v = args.value("ciphersuites")) {
        options.suites.clear();
        for (const auto& name : split(*v, ':')) {
            std::optional<tls::cipher_suite> found;
            for (const auto& s : tls::all_suites)
                if (tls::to_string(s.id) == name) found = s.id;
            if (!found) {
                std::string known;
                for (const auto& s : tls::all_suites) known += (known.empty() ? "" : ", ") + std::string(tls::to_string(s.id));
                return "unknown cipher suite '" + name + "' (" + known + ")";
            }
            options.suites.push_back(*found);
        }
    }
    if (const auto v = args.value("groups")) {
        options.groups.clear();
        options.key_shares.clear();
        for (std::string name : split(*v, ':')) {
            const bool share = !name.empty() && name[0] == '*';
            if (share) name.erase(0, 1);
            std::optional<tls::named_group> found;
            if (name == "x25519" || name == "X25519") found = tls::named_group::x25519;
            if (name == "secp256r1" || name == "P-256" || name == "prime256v1") found = tls::named_group::secp256r1;
            if (name == "secp384r1" || name == "P-384") found = tls::named_group::secp384r1;
            if (name == "X25519MLKEM768") found = tls::named_group::x25519_mlkem768;
            if (name == "SecP256r1MLKEM768") found = tls::named_group::secp256r1_mlkem768;
            if (name == "MLKEM768") found = tls::named_group::mlkem768;
            if (!found) {
                const bool known = name == "secp521r1" || name == "P-521" || name == "x448" || name == "SecP384r1MLKEM1024" ||
                                   name == "MLKEM512" || name == "MLKEM1024";
                return "group '" + name + (known ? "' is not supported yet" : "' is unknown") + " (supported: " +
                       supported_groups + ")";
            }
            if (std::find(options.groups.begin(), options.groups.end(), *found) != options.groups.end())
                return "group '" + name + "' is listed twice";
            options.groups.push_back(*found);
            if (share) options.key_shares.push_back(*found);
        }
        if (options.key_shares.size() > tls::client::max_key_shares)
            return "--groups: at most " + std::to_string(tls::client::max_key_shares) + " groups marked * (key shares)";
    }
    if (const auto v = args.value("alpn")) {
        options.alpn_storage = split(*v, ',');
        for (const auto& p : options.alpn_storage) {
            if (p.empty() || p.size() > 255) return "--alpn: each protocol name takes 1 to 255 bytes";
            options.alpn.emplace_back(p);
        }
    }
    options.quiet = args.flag("quiet");
    options.key_update = args.flag("key-update");
    return {};
}

}  // namespace carapace_tool
