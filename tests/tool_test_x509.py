"""carapace-tool x509 and verify: the fixtures of tests/x509/make_*fixtures.sh against the openssl
command line's reading of them, profiles, name constraints, path-building budgets, revocation and
pins. Run by tool_test.py."""

import json
import os
import re
import resource
import shutil
import subprocess
import tempfile

from tool_common import check, expect_usage_error, run


# x509 and verify, against the fixtures of tests/x509/make_fixtures.sh and the openssl command
# line's reading of them (when openssl is installed; scripts/test installs it).
X509 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "x509")
def fixture(name):
    return os.path.join(X509, name + ".pem")
expected = json.load(open(os.path.join(X509, "expected.json")))
have_openssl = shutil.which("openssl") is not None
check(have_openssl, "openssl command line available for the x509 checks")
for name in ("root", "intermediate", "leaf"):
    code, out, err = run(["x509", fixture(name)])
    fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
    want = expected[name]
    check(code == 0 and list(fields) == ["subject", "issuer", "serial", "not_before", "not_after", "key", "san", "is_ca",
                                         "path_length", "key_usage", "ext_key_usage", "subject_key_id",
                                         "authority_key_id", "name_constraints", "must_staple"],
          f"x509 {name}: keys {list(fields)}")
    check(fields.get("path_length") == str(want["path_length"]) if want["path_length"] >= 0 else fields.get("path_length") == "none",
          f"x509 {name}: path_length {fields.get('path_length')}")
    if have_openssl:
        # keyUsage, extendedKeyUsage and the key identifiers as openssl reads them.
        text = subprocess.run(["openssl", "x509", "-in", fixture(name), "-noout", "-text"], capture_output=True, text=True).stdout
        openssl_usage = {"Digital Signature": "digitalSignature", "Certificate Sign": "keyCertSign", "CRL Sign": "cRLSign",
                         "Key Encipherment": "keyEncipherment", "Non Repudiation": "nonRepudiation"}
        m = re.search(r"X509v3 Key Usage:.*\n\s*(.*)", text)
        usage = ", ".join(openssl_usage[u.strip()] for u in m.group(1).split(",")) if m else "none"
        check(fields.get("key_usage") == usage, f"x509 {name}: key_usage {fields.get('key_usage')!r} vs {usage!r}")
        m = re.search(r"X509v3 Extended Key Usage:.*\n\s*(.*)", text)
        eku = ", ".join({"TLS Web Server Authentication": "serverAuth", "TLS Web Client Authentication": "clientAuth"}[u.strip()]
                        for u in m.group(1).split(",")) if m else "none"
        check(fields.get("ext_key_usage") == eku, f"x509 {name}: ext_key_usage {fields.get('ext_key_usage')!r} vs {eku!r}")
        m = re.search(r"X509v3 Subject Key Identifier:.*\n\s*(.*)", text)
        ski = m.group(1).replace(":", "").strip() if m else "none"
        check(fields.get("subject_key_id") == ski, f"x509 {name}: subject_key_id")
    check(fields.get("must_staple") == "no", f"x509 {name}: must_staple")
    check(fields.get("serial", "").lower() == want["serial"], f"x509 {name}: serial {fields.get('serial')}")
    check(fields.get("not_before") == str(want["not_before"]) and fields.get("not_after") == str(want["not_after"]),
          f"x509 {name}: validity")
    check(fields.get("is_ca") == ("true" if want["is_ca"] else "false"), f"x509 {name}: is_ca")
    check(fields.get("key") == "ed25519/256", f"x509 {name}: key {fields.get('key')}")
    check(fields.get("san", "").replace(" ", "").replace("IP:", "IPAddress:") == want["san"], f"x509 {name}: san {fields.get('san')}")
    if have_openssl:
        for field in ("subject", "issuer"):
            o = subprocess.run(["openssl", "x509", "-in", fixture(name), "-noout", "-" + field], capture_output=True, text=True)
            check(o.stdout.strip() == field + "=" + fields.get(field, ""), f"x509 {name}: {field} {fields.get(field)!r} vs {o.stdout.strip()!r}")
code, out, _ = run(["x509", fixture("must_staple")])
fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
check(code == 0 and fields.get("must_staple") == "yes", "x509 must_staple: must_staple yes")
code, out, _ = run(["x509", fixture("intermediate")])
fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
check(fields.get("name_constraints") == "permitted: DNS:example.com, IP:192.0.2.0/255.255.255.0; excluded: DNS:bad.example.com",
      f"x509 intermediate: name_constraints {fields.get('name_constraints')!r}")
expect_usage_error(["x509"])
expect_usage_error(["x509", os.path.join(X509, "missing.pem")])
expect_usage_error(["x509", os.path.join(X509, "expected.json")])  # no CERTIFICATE block

now = expected["leaf"]["not_before"] + 86400
def verify(leaf, untrusted=None, host="www.example.com", purpose=None, ca="root", time=now):
    args = ["verify", "--CAfile", fixture(ca), "--time", str(time)]
    if untrusted:
        args += ["--untrusted", fixture(untrusted)]
    if host:
        args += ["--host", host]
    if purpose:
        args += ["--purpose", purpose]
    code, out, err = run(args + [fixture(leaf)])
    return code, out.decode()
for args, want in [
    (dict(leaf="leaf", untrusted="intermediate"), "ok"),
    (dict(leaf="leaf", untrusted="intermediate", host="192.0.2.7"), "ok"),
    (dict(leaf="leaf", untrusted="intermediate", host=None, purpose="client"), "ok"),
    (dict(leaf="leaf"), "error: unknown issuer"),
    (dict(leaf="leaf", untrusted="intermediate", host="other.example.com"), "error: hostname mismatch"),
    (dict(leaf="leaf", untrusted="intermediate", time=expected["leaf"]["not_after"] + 1), "error: expired"),
    (dict(leaf="leaf", untrusted="intermediate", time=expected["leaf"]["not_before"] - 1), "error: not yet valid"),
    (dict(leaf="forged_leaf", untrusted="intermediate"), "error: bad signature"),
    (dict(leaf="not_ca_leaf", untrusted="not_ca"), "error: not a CA"),
    (dict(leaf="outside_leaf", untrusted="intermediate", host="www.example.org"), "error: name constraint violation"),
    (dict(leaf="critical_leaf", untrusted="intermediate"), "error: unsupported critical extension"),
    (dict(leaf="client_leaf", untrusted="intermediate"), "error: wrong purpose"),
    (dict(leaf="ecdsa_leaf", untrusted="ecdsa_intermediate"), "ok"),
    (dict(leaf="leaf", untrusted="intermediate_cross", ca="root2"), "ok"),
]:
    code, out = verify(**args)
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify {args}: {code} {out!r}, want {want!r}")
# Fixtures of the later scripts (tests/x509/make_*_fixtures.sh) are checked a day after the
# leaf's notBefore, which `x509` reads out.
def issued_at(name):
    out = run(["x509", fixture(name)])[1].decode()
    return int(dict(line.split(": ", 1) for line in out.splitlines())["not_before"])
def verify_fixture(leaf, ca, untrusted=(), host="www.example.com", extra=()):
    bundle = None
    args = ["verify", "--CAfile", fixture(ca), "--time", str(issued_at(leaf) + 86400)] + list(extra)
    if untrusted:
        bundle = tempfile.NamedTemporaryFile(suffix=".pem")
        for name in untrusted:
            bundle.write(open(fixture(name), "rb").read())
        bundle.flush()
        args += ["--untrusted", bundle.name]
    if host:
        args += ["--host", host]
    code, out, err = run(args + [fixture(leaf)])
    return code, out.decode()
# Name constraints on every form (make_constraint_fixtures.sh); openssl verify agrees with each.
for leaf, ca, untrusted, want in [
    ("email_good", "email_root", (), "ok"), ("email_evil", "email_root", (), "error: name constraint violation"),
    ("email_subject", "email_root", (), "error: name constraint violation"),
    ("dir_good", "dir_root", (), "ok"), ("dir_evil", "dir_root", (), "error: name constraint violation"),
    ("dir_san", "dir_root", (), "error: name constraint violation"),
    ("uri_good", "uri_root", (), "ok"), ("uri_evil", "uri_root", (), "error: name constraint violation"),
    ("uri_no_host", "uri_root", (), "error: name constraint violation"),
    ("other_named", "other_root", (), "error: name constraint violation"), ("other_unnamed", "other_root", (), "ok"),
    ("self_leaf", "self_root", ("self_ca", "self_rekeyed"), "ok"),
]:
    code, out = verify_fixture("constraints/" + leaf, "constraints/" + ca, ["constraints/" + u for u in untrusted])
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify {leaf}: {code} {out!r}, want {want!r}")
# ECDSA chains mixing P-256, P-384 and Ed25519 (make_ecdsa_fixtures.sh), which openssl verified
# when it made them; a P-384 key under the P-256 intermediate's name; a P-521 issuer.
for leaf, ca, untrusted, want in [
    ("leaf_ed25519", "root_p384", ("intermediate_p256",), "ok"),
    ("leaf_p256", "root_ed25519", ("intermediate_p384",), "ok"),
    ("leaf_p384", "root_p256", (), "ok"),
    ("leaf_ed25519", "rogue_p384", (), "error: bad signature"),
    ("leaf_by_p521", "root_p384", ("intermediate_p521",), "error: unsupported algorithm"),
]:
    code, out = verify_fixture("ecdsa/" + leaf, "ecdsa/" + ca, ["ecdsa/" + u for u in untrusted])
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify ecdsa/{leaf}: {code} {out!r}, want {want!r}")
# Path building is bounded (make_path_fixtures.sh): loops of CAs that all verify each other, a
# hundred intermediates with one subject and key, and exponentially many paths are refused in well
# under 50 ms of CPU each; a bridge PKI of 35 intermediates verifies.
def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
for name, want in (("loop", "error: unknown issuer"), ("chain", "error: unknown issuer"),
                   ("mesh", "error: verification budget exhausted")):
    leaf = "paths/" + name + "_leaf"
    args = ["verify", "--CAfile", fixture("root"), "--untrusted", fixture("paths/" + name + "_cas"), "--host",
            "www.example.com", "--time", str(issued_at(leaf) + 86400), fixture(leaf)]
    before = child_cpu()
    code, out, _ = run(args)
    cpu = child_cpu() - before
    check(code == 1 and out.decode() == want + "\n", f"verify {name}: {code} {out!r}, want {want!r}")
    check(cpu < 0.05, f"verify {name}: {cpu * 1000:.1f} ms of CPU")
code, out = verify_fixture("paths/bridge_leaf", "paths/bridge_anchor", ["paths/bridge_cas"])
check(code == 0 and out == "ok\n", f"verify through a bridge PKI: {code} {out!r}")
# A leaf or intermediates file that can be read but holds no well-formed certificate is a
# verification result (exit 1), like garbage inside valid armour; exit 2 stays for arguments and
# files that cannot be read.
leaf_pem = open(fixture("leaf")).read()
intermediate_pem = open(fixture("intermediate")).read()
body = leaf_pem.split("-----BEGIN CERTIFICATE-----\n")[1].split("-----END CERTIFICATE-----")[0]
for what, text in (("no END line", leaf_pem.replace("-----END CERTIFICATE-----\n", "")),
                   ("no BEGIN line", leaf_pem.replace("-----BEGIN CERTIFICATE-----\n", "")),
                   ("a mismatched END label", leaf_pem.replace("END CERTIFICATE", "END CERTIFICATX")),
                   ("bad base64", leaf_pem.replace(body[:8], "!!!!!!!!")),
                   ("garbage in valid armour", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                   ("no CERTIFICATE block", "just text\n")):
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as broken:
        broken.write(text)
        broken.flush()
        args = ["verify", "--CAfile", fixture("root"), "--untrusted", fixture("intermediate"), "--time", str(now)]
        code, out, err = run(args + [broken.name])
        check(code == 1 and out == b"error: malformed certificate\n" and err == b"",
              f"verify on a leaf with {what}: {code} {out!r} {err!r}")
        code, out, err = run(["verify", "--CAfile", fixture("root"), "--untrusted", broken.name, "--time", str(now),
                              fixture("leaf")])
        check(code == 1 and out == b"error: malformed certificate\n",
              f"verify with intermediates with {what}: {code} {out!r} {err!r}")
expect_usage_error(["verify", "--CAfile", fixture("root"), X509])  # a directory: unreadable
expect_usage_error(["verify", "--CAfile", fixture("root"), "--untrusted", os.path.join(X509, "missing.pem"), fixture("leaf")])
# Profiles (make_profile_fixtures.sh): the Web PKI's by default, RFC 5280's on request; the
# reason names the rule.
for leaf, want, want_rfc5280 in [
    ("good", "ok", "ok"), ("weak_rsa", "error: weak key", "ok"), ("weak_dsa", "error: weak key", "ok"),
    ("underscore_dns", "error: profile violation: invalid DNS name in subjectAltName", "ok"),
    ("serial_zero", "error: profile violation: serial number zero or negative", "ok"),
    ("leaf_is_ca", "error: profile violation: CA certificate as end entity", "ok"),
    ("critical_authority_key_id", "error: profile violation: critical authority key identifier",
     "error: profile violation: critical authority key identifier"),
]:
    for extra, expected in (([], want), (["--profile", "webpki"], want), (["--profile", "rfc5280"], want_rfc5280)):
        code, out = verify_fixture("profile/" + leaf, "profile/root", extra=extra)
        check(code == (0 if expected == "ok" else 1) and out == expected + "\n",
              f"verify {leaf} {extra}: {code} {out!r}, want {expected!r}")
code, out = verify_fixture("profile/ca_basic_constraints_not_critical_leaf", "profile/root",
                           ["profile/ca_basic_constraints_not_critical"])
check(code == 1 and out == "error: profile violation: non-critical basicConstraints on a CA\n", f"verify CA rule: {out!r}")
# --max-depth counts the certificates of a path, anchor included.
for depth, want in (("2", "error: path too long"), ("3", "ok"), ("16", "ok")):
    code, out, _ = run(["verify", "--CAfile", fixture("root"), "--untrusted", fixture("intermediate"), "--time", str(now),
                        "--max-depth", depth, fixture("leaf")])
    check(code == (0 if want == "ok" else 1) and out.decode() == want + "\n", f"verify --max-depth {depth}: {code} {out!r}")
# --email: an address the leaf names, compared as RFC 5280 says (the domain without case).
for email, want in (("alice@allowed.example", "ok"), ("alice@ALLOWED.example", "ok"),
                    ("bob@allowed.example", "error: email address mismatch")):
    code, out = verify_fixture("constraints/email_good", "constraints/email_root", extra=["--email", email])
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify --email {email}: {code} {out!r}")
for args in (["--max-depth", "0"], ["--max-depth", "17"], ["--max-depth", "two"], ["--profile", "strict"],
             ["--profile", ""], ["--email", ""]):
    expect_usage_error(["verify", "--CAfile", fixture("root")] + args + [fixture("leaf")])
expect_usage_error(["verify", fixture("leaf")])  # no --CAfile
expect_usage_error(["verify", "--CAfile", fixture("root"), "--time", "soon", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), "--purpose", "email", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), os.path.join(X509, "missing.pem")])
expect_usage_error(["verify", "--CAfile", fixture("root"), fixture("leaf"), fixture("leaf")])
# Files are read with a size limit: an endless one is an unreadable file (one line, status 2), not
# an allocation failure.
expect_usage_error(["verify", "--CAfile", "/dev/zero", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), "--untrusted", "/dev/zero", fixture("leaf")])
expect_usage_error(["x509", "/dev/zero"])
expect_usage_error(["x509", X509])  # a directory
code, _, err = run(["verify", "--CAfile", "/dev/zero", fixture("leaf")])
check(b"/dev/zero" in err and b"larger than" in err, f"verify --CAfile /dev/zero says why: {err!r}")

# verify with revocation (--crl, --ocsp) and pins (--pin), against the fixtures of
# tests/x509/make_revocation_fixtures.sh and the times and pins openssl computed for them.
REVOCATION = os.path.join(X509, "revocation")
revocation = json.load(open(os.path.join(REVOCATION, "revocation.json")))
def rfile(name):
    return os.path.join(REVOCATION, name)
with tempfile.TemporaryDirectory() as scratch:
    # The CA and its delegated CRL signers in one --untrusted file.
    with_signers = os.path.join(scratch, "ca_and_signers.pem")
    with open(with_signers, "wb") as out:
        for name in ("ca.pem", "crl_signer.pem", "crl_signer_no_crlsign.pem"):
            out.write(open(rfile(name), "rb").read())
    two_crls = os.path.join(scratch, "two.pem")
    with open(two_crls, "wb") as out:
        out.write(open(rfile("crl_root_revokes_ca.pem"), "rb").read() + open(rfile("crl.pem"), "rb").read())
    garbage = os.path.join(scratch, "garbage.der")
    with open(garbage, "wb") as out:
        out.write(b"\x30\x03\x02\x01\x00")

    def rverify(leaf, *extra, time=revocation["now"], untrusted=rfile("ca.pem")):
        code, out, err = run(["verify", "--CAfile", rfile("root.pem"), "--untrusted", untrusted, "--time", str(time)]
                             + list(extra) + [rfile(leaf)])
        return code, out.decode()
    pin = {name: "sha256//" + value for name, value in revocation["pins"].items()}
    for leaf, extra, want, kwargs in [
        ("leaf.pem", [], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem")], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl.der")], "ok", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl.pem")], "error: revoked", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl.der")], "error: revoked", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem")], "error: revocation unknown", {"time": revocation["stale"]}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_future.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_wrong_signer.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_critical.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_entry_critical.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--crl", rfile("crl_no_next_update.der")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_delegated.pem")], "error: revoked", {"untrusted": with_signers}),
        ("leaf.pem", ["--crl", rfile("crl_delegated.pem")], "ok", {"untrusted": with_signers}),
        ("leaf.pem", ["--crl", rfile("crl_delegated.pem")], "error: revocation unknown", {}),
        ("leaf.pem", ["--crl", rfile("crl_delegated_no_crlsign.pem")], "error: revocation unknown", {"untrusted": with_signers}),
        # The root's CRL revokes the CA: the path fails though the leaf itself is good.
        ("leaf.pem", ["--crl", rfile("crl.pem"), "--crl", rfile("crl_root_revokes_ca.pem")], "error: revoked", {}),
        ("leaf.pem", ["--crl", two_crls], "error: revoked", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem"), "--crl", rfile("crl_root.pem")], "ok", {}),
        ("dp_leaf.pem", ["--crl", rfile("crl_partition.pem")], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl_partition.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_some_reasons.pem")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good_sha256.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good_by_key.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_delegated.der")], "ok", {}),
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_revoked.der")], "error: revoked", {}),
        ("other_leaf.pem", ["--ocsp", rfile("ocsp_unknown.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "error: revocation unknown", {"time": revocation["stale"]}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_wrong_signer.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_delegated_no_eku.der")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "error: revocation unknown", {}),  # CertID mismatch
        ("leaf.pem", ["--ocsp", garbage], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_critical_single.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_critical_response.der")], "error: revocation unknown", {}),
        # OCSP and CRLs together: revoked from either wins, good from either suffices.
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_good.der"), "--crl", rfile("crl.pem")], "error: revoked", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der"), "--crl", rfile("crl_future.pem")], "ok", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--pin", pin["other_leaf"]], "ok", {}),
        ("leaf.pem", ["--pin", pin["other_leaf"], "--pin", pin["root"]], "ok", {}),
        ("leaf.pem", ["--pin", pin["other_leaf"]], "error: pin mismatch", {}),
        ("leaf.pem", ["--pin", pin["leaf"]], "error: no backup pin", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--pin", pin["ca"]], "error: no backup pin", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--allow-no-backup-pin"], "ok", {}),
        ("leaf.pem", ["--pin", "pin-sha256=\"" + revocation["pins"]["ca"] + "\"", "--pin", pin["other_leaf"]], "ok", {}),
    ]:
        code, out = rverify(leaf, *extra, **kwargs)
        check(code == (0 if want == "ok" else 1) and out == want + "\n",
              f"verify {leaf} {extra} {kwargs}: {code} {out!r}, want {want!r}")
    base = ["verify", "--CAfile", rfile("root.pem"), "--untrusted", rfile("ca.pem")]
    expect_usage_error(base + ["--crl", rfile("missing.pem"), rfile("leaf.pem")])
    expect_usage_error(base + ["--crl", rfile("root.pem"), rfile("leaf.pem")])  # no X509 CRL block
    expect_usage_error(base + ["--crl", garbage, rfile("leaf.pem")])  # not a CRL
    expect_usage_error(base + ["--ocsp", rfile("missing.der"), rfile("leaf.pem")])
    expect_usage_error(base + ["--ocsp", rfile("ocsp_good.der"), "--ocsp", rfile("ocsp_good.der"), rfile("leaf.pem")])
    expect_usage_error(base + ["--pin", "sha256//abc", rfile("leaf.pem")])
    expect_usage_error(base + ["--pin", revocation["pins"]["leaf"], rfile("leaf.pem")])
    expect_usage_error(base + ["--allow-no-backup-pin", rfile("leaf.pem")])
    if have_openssl:
        # openssl agrees on the CRL and OCSP fixtures it can check on its own.
        chain = os.path.join(scratch, "chain.pem")
        with open(chain, "wb") as out:
            out.write(open(rfile("root.pem"), "rb").read() + open(rfile("ca.pem"), "rb").read())
        for leaf, want in (("leaf.pem", 0), ("revoked_leaf.pem", 2)):
            o = subprocess.run(["openssl", "verify", "-crl_check", "-attime", str(revocation["now"]), "-CAfile", chain,
                                "-CRLfile", rfile("crl.pem"), rfile(leaf)], capture_output=True)
            check((o.returncode == 0) == (want == 0), f"openssl verify -crl_check {leaf}: {o.returncode}")
        for response, leaf, status in (("ocsp_good.der", "leaf.pem", b": good"), ("ocsp_revoked.der", "revoked_leaf.pem", b": revoked"),
                                       ("ocsp_delegated.der", "leaf.pem", b": good")):
            o = subprocess.run(["openssl", "ocsp", "-respin", rfile(response), "-CAfile", chain, "-issuer", rfile("ca.pem"),
                                "-cert", rfile(leaf), "-attime", str(revocation["now"])], capture_output=True)
            check(status in o.stdout and b"Response verify OK" in o.stderr, f"openssl ocsp {response}: {o.stdout!r} {o.stderr!r}")
