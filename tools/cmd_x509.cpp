// carapace-tool x509 | verify
//   x509 FILE.pem                     -> "key: value" lines: subject, issuer, serial, not_before,
//                                        not_after, key, san, is_ca, then path_length, key_usage,
//                                        ext_key_usage, subject_key_id, authority_key_id,
//                                        name_constraints, must_staple
//   verify --CAfile ROOTS.pem [--untrusted INTERMEDIATES.pem] [--host NAME] [--email ADDR]
//          [--purpose server|client] [--time UNIX_SECONDS] [--profile webpki|rfc5280]
//          [--max-depth N] [--crl FILE]... [--ocsp FILE] [--pin sha256//BASE64]...
//          [--allow-no-backup-pin] LEAF.pem
//                                     -> "ok" exit 0 | "error: REASON" exit 1 (a leaf or
//                                        intermediates file holding no well-formed certificate
//                                        included: "error: malformed certificate")
// With --crl or --ocsp the leaf must be shown good (an intermediate only fails when a CRL revokes
// it); the certificates of --untrusted may be delegated CRL signers. A CRL file that does not
// parse is a bad argument; an OCSP response that does not parse leaves the status unknown, as a
// stapled one would.
// Names print as `openssl x509 -subject` prints them ("CN = a, O = b"); times are seconds
// since the epoch, as --time takes them; serials are uppercase hex as `openssl x509 -serial`.
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "host/pem_files.hpp"
#include "x509_text.hpp"
#include "carapace/x509/certificate.hpp"
#include "carapace/x509/crl.hpp"
#include "carapace/x509/ocsp.hpp"
#include "carapace/x509/pem.hpp"
#include "carapace/x509/pins.hpp"
#include "carapace/x509/verify.hpp"

namespace carapace_tool {

namespace x509 = carapace::x509;

constexpr std::size_t max_intermediates = 128;

namespace {

// Every "X509 CRL" block of a PEM file, or the whole file as one DER CRL, appended to `out`.
bool load_crls(const std::string& path, std::vector<std::vector<std::uint8_t>>& out, std::string& error) {
    std::string text;
    if (!host::read_file(path, text, error)) return false;
    const std::size_t before = out.size();
    if (text.find("-----BEGIN ") == std::string::npos)
        out.emplace_back(text.begin(), text.end());
    else if (!host::parse_pem_blocks(text, path, x509::crl_pem_label, out, error))
        return false;
    for (std::size_t i = before; i < out.size(); ++i) {
        if (!x509::parse_crl(out[i])) {
            error = path + ": malformed CRL";
            return false;
        }
    }
    return true;
}

}  // namespace

int cmd_x509(std::span<char* const> argv) {
    const arguments args(argv, {});
    if (!args.ok()) return usage_error("x509: " + args.error());
    if (args.positionals().size() != 1) return usage_error("x509: expected one FILE.pem");
    std::vector<std::vector<std::uint8_t>> certs;
    std::string error;
    if (!host::load_certificate_chain(args.positionals()[0], certs, error)) return usage_error("x509: " + error);
    auto cert = x509::parse_certificate(certs[0]);
    if (!cert) return failure("x509: malformed certificate");
    std::string serial;
    for (const std::uint8_t b : cert->serial) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02X", b);
        serial += hex;
    }
    if (serial.size() > 2 && serial.compare(0, 2, "00") == 0) serial.erase(0, 2);  // the sign octet
    std::printf("subject: %s\nissuer: %s\nserial: %s\nnot_before: %lld\nnot_after: %lld\nkey: %s\nsan: %s\nis_ca: %s\n",
                terminal_text(describe_name(cert->subject)).c_str(), terminal_text(describe_name(cert->issuer)).c_str(),
                serial.c_str(), static_cast<long long>(cert->not_before), static_cast<long long>(cert->not_after),
                describe_key(cert->public_key).c_str(), terminal_text(describe_san(cert->subject_alt_names)).c_str(),
                cert->is_ca ? "true" : "false");
    // The extensions path validation and the profiles read.
    std::printf("path_length: %s\nkey_usage: %s\next_key_usage: %s\nsubject_key_id: %s\nauthority_key_id: %s\n"
                "name_constraints: %s\nmust_staple: %s\n",
                cert->path_length < 0 ? "none" : std::to_string(cert->path_length).c_str(),
                describe_key_usage(*cert).c_str(), describe_extended_key_usage(*cert).c_str(),
                hex_or_none(cert->subject_key_id).c_str(), hex_or_none(cert->authority_key_id).c_str(),
                terminal_text(describe_name_constraints(*cert)).c_str(), x509::must_staple(*cert) ? "yes" : "no");
    return std::fflush(stdout) == 0 ? exit_ok : failure("x509: cannot write output");
}

namespace {

// "ok" (exit 0) or "error: REASON" (exit 1) on stdout; a profile violation names its rule.
int report(x509::verify_error e, x509::profile_rule rule = x509::profile_rule::none) {
    if (e == x509::verify_error::ok) {
        std::printf("ok\n");
        return exit_ok;
    }
    std::string reason(x509::to_string(e));
    if (e == x509::verify_error::profile_violation) reason += ": " + std::string(x509::to_string(rule));
    std::printf("error: %s\n", reason.c_str());
    return exit_failure;
}

}  // namespace

int cmd_verify(std::span<char* const> argv) {
    const arguments args(argv, {{"CAfile", true},
                                {"untrusted", true},
                                {"host", true},
                                {"purpose", true},
                                {"time", true},
                                {"crl", true, {}, true},
                                {"ocsp", true},
                                {"pin", true, {}, true},
                                {"allow-no-backup-pin", false},
                                {"profile", true},
                                {"max-depth", true},
                                {"email", true}});
    if (!args.ok()) return usage_error("verify: " + args.error());
    if (args.positionals().size() != 1) return usage_error("verify: expected one LEAF.pem");
    const auto ca_file = args.value("CAfile");
    if (!ca_file) return usage_error("verify: missing --CAfile ROOTS.pem");
    x509::verify_options options;
    options.time = static_cast<std::int64_t>(std::time(nullptr));
    if (const auto t = args.value("time")) {
        const auto parsed = parse_decimal(*t, 253402300799);  // up to 9999-12-31T23:59:59Z
        if (!parsed) return usage_error("verify: --time must be seconds since the epoch");
        options.time = static_cast<std::int64_t>(*parsed);
    }
    const std::string purpose = args.value("purpose").value_or("server");
    if (purpose == "server") {
        options.usage = x509::purpose::server_auth;
    } else if (purpose == "client") {
        options.usage = x509::purpose::client_auth;
    } else {
        return usage_error("verify: --purpose must be server or client");
    }
    const std::string host = args.value("host").value_or("");
    if (args.value("host") && host.empty()) return usage_error("verify: --host must not be empty");
    options.host = host;
    const std::string profile = args.value("profile").value_or("webpki");
    if (profile == "webpki") {
        options.profile = x509::certificate_profile::webpki;
    } else if (profile == "rfc5280") {
        options.profile = x509::certificate_profile::rfc5280;
    } else {
        return usage_error("verify: --profile must be webpki or rfc5280");
    }
    if (const auto depth = args.value("max-depth")) {
        const auto parsed = parse_decimal(*depth, x509::max_path_length);
        if (!parsed || *parsed == 0)
            return usage_error("verify: --max-depth must be 1 to " + std::to_string(x509::max_path_length));
        options.max_depth = static_cast<std::size_t>(*parsed);
    }
    const std::string email = args.value("email").value_or("");
    if (args.value("email") && email.empty()) return usage_error("verify: --email must not be empty");
    options.email = email;

    std::vector<std::vector<std::uint8_t>> roots, intermediates, leaf;
    std::string error, leaf_text, untrusted_text;
    if (!host::load_certificate_chain(*ca_file, roots, error)) return usage_error("verify: " + error);
    // The leaf and the intermediates stand for what a peer sends: a file that cannot be read is a
    // usage error, but one that holds no well-formed certificate is a verification result.
    const auto untrusted = args.value("untrusted");
    if (untrusted && !host::read_file(*untrusted, untrusted_text, error)) return usage_error("verify: " + error);
    if (!host::read_file(args.positionals()[0], leaf_text, error)) return usage_error("verify: " + error);
    if ((untrusted && !host::parse_certificate_chain(untrusted_text, *untrusted, intermediates, error)) ||
        !host::parse_certificate_chain(leaf_text, args.positionals()[0], leaf, error))
        return report(x509::verify_error::malformed);
    std::vector<std::vector<std::uint8_t>> crl_files;
    for (const std::string& file : args.values("crl"))
        if (!load_crls(file, crl_files, error)) return usage_error("verify: " + error);
    std::string ocsp_response;
    const auto ocsp_file = args.value("ocsp");
    if (ocsp_file && !host::read_file(*ocsp_file, ocsp_response, error)) return usage_error("verify: " + error);
    std::vector<x509::spki_pin> pins;
    for (const std::string& text : args.values("pin")) {
        const auto pin = x509::parse_pin(text);
        if (!pin) return usage_error("verify: --pin must be sha256//BASE64 of 32 bytes, not " + text);
        pins.push_back(*pin);
    }
    x509::pin_options pin_options;
    pin_options.allow_no_backup_pin = args.flag("allow-no-backup-pin");
    if (pin_options.allow_no_backup_pin && pins.empty()) return usage_error("verify: --allow-no-backup-pin needs --pin");

    // Views into `roots`, so it lives no longer than they do (a static store kept the anchors of
    // an earlier call, dangling, when the tool ran in process: fuzz/corpus/cli/verify).
    const auto store = std::make_unique<x509::trust_store<1024>>();
    for (const auto& root : roots)
        if (store->add(root) != carapace::errc::ok) return usage_error("verify: a certificate in " + *ca_file + " is malformed or one too many");
    std::vector<carapace::byte_view> views(intermediates.begin(), intermediates.end());
    const auto path = std::make_unique<x509::verified_path>();
    // Room for every intermediate of a bridge PKI and more (each is about 300 bytes of stack).
    x509::verify_details details;
    if (const x509::verify_error e =
            x509::verify_chain<max_intermediates>(leaf[0], views, *store, options, details, path.get());
        e != x509::verify_error::ok)
        return report(e, details.broken_rule);

    if (!crl_files.empty() || ocsp_file) {
        std::vector<x509::crl> crls;
        for (const auto& der : crl_files) crls.push_back(*x509::parse_crl(der));
        std::vector<x509::certificate> delegates;
        for (const auto& der : intermediates)
            if (auto cert = x509::parse_certificate(der)) delegates.push_back(*cert);
        x509::revocation_options revocation;
        revocation.time = options.time;
        const auto checked = path->view();
        x509::revocation_result from_ocsp;
        if (ocsp_file) {
            const carapace::byte_view response(reinterpret_cast<const std::uint8_t*>(ocsp_response.data()),
                                               ocsp_response.size());
            from_ocsp = x509::check_ocsp_response(response, checked, revocation);
        }
        const auto status = x509::check_path_crls(checked, crls, delegates, revocation, from_ocsp);
        if (status.status != x509::revocation_status::good) return report(x509::to_verify_error(status));
    }
    if (const x509::verify_error e = x509::check_pins(path->view(), pins, pin_options); e != x509::verify_error::ok)
        return report(e);
    return report(x509::verify_error::ok);
}

}  // namespace carapace_tool
