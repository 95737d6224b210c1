"""OCSP stapling and SPKI pinning cases of tests/tls/interop.py (RFC 8446 §4.4.2.1, RFC 6066 §8): our
client asking for a stapled response from openssl s_server (-status_file) and gnutls-serv
(--ocsp-response), openssl s_client (-status) and gnutls-cli (--save-ocsp) asking ours
(--status-file); and s_client --pin against openssl s_server.

The responses need an issuer key, which the committed test PKI does not keep, so a small one is
made here, once per run, with the openssl command line: an Ed25519 root, a "localhost" leaf, a
revoked twin and a must-staple twin (RFC 7633) issued by it, the root's CA database, and a
response for each leaf signed by the
root, valid for a week.
"""
import os
import subprocess

from harness import *  # noqa: F401,F403 (the peers and checks)

_pki = {}


def _openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ocsp_pki():
    """Paths of the stapling PKI: root, leaf, leaf key, and good and revoked responses."""
    if _pki:
        return _pki
    d = work("ocsp")
    os.makedirs(d, exist_ok=True)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    _openssl("genpkey", "-algorithm", "ed25519", "-out", p("root.key"))
    _openssl("req", "-x509", "-new", "-key", p("root.key"), "-subj", "/CN=carapace stapling root", "-days", "3650",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-out", p("root.pem"))
    index = []
    for name, serial in (("leaf", "1001"), ("revoked", "1002"), ("must", "1003")):
        feature = ["-addext", "tlsfeature=status_request"] if name == "must" else []
        _openssl("genpkey", "-algorithm", "ed25519", "-out", p(name + ".key"))
        _openssl("req", "-new", "-key", p(name + ".key"), "-subj", "/CN=localhost",
                 "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                 "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=serverAuth",
                 *feature, "-out", p(name + ".csr"))
        _openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("root.pem"), "-CAkey", p("root.key"),
                 "-days", "3650", "-copy_extensions", "copyall", "-set_serial", "0x" + serial, "-out", p(name + ".pem"))
        if name != "revoked":
            index.append("V\t350101000000Z\t\t%s\tunknown\t/CN=localhost\n" % serial)
        else:
            index.append("R\t350101000000Z\t240101000000Z,keyCompromise\t%s\tunknown\t/CN=localhost\n" % serial)
    open(p("index.txt"), "w").write("".join(index))
    open(p("index.txt.attr"), "w").write("unique_subject = no\n")  # three leaves named localhost
    for name in ("leaf", "revoked", "must"):
        _openssl("ocsp", "-issuer", p("root.pem"), "-cert", p(name + ".pem"), "-no_nonce", "-reqout", p(name + ".req"))
        _openssl("ocsp", "-index", p("index.txt"), "-CA", p("root.pem"), "-rsigner", p("root.pem"), "-rkey",
                 p("root.key"), "-reqin", p(name + ".req"), "-ndays", "7", "-respout", p(name + ".ocsp.der"))
    _pki.update(root=p("root.pem"), leaf=p("leaf.pem"), leaf_key=p("leaf.key"), revoked=p("revoked.pem"),
                revoked_key=p("revoked.key"), good=p("leaf.ocsp.der"), revoked_response=p("revoked.ocsp.der"),
                must=p("must.pem"), must_key=p("must.key"), must_response=p("must.ocsp.der"))
    return _pki


def _client(port):
    pki = ocsp_pki()
    return run([TOOL, "s_client", "--connect", "127.0.0.1:%d" % port, "--servername", "localhost", "--CAfile",
                pki["root"], "--status"], stdin_data=b"x")


def c_ossl_status():
    pki = ocsp_pki()
    port = free_port()
    srv = start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1", "-cert", pki["leaf"],
                        "-key", pki["leaf_key"], "-status_file", pki["good"]], port)
    c, status = _client(port)
    ok_summary(c, status)
    expect(c.summary().get("ocsp") == "good", "ocsp %r, expected good" % c.summary().get("ocsp"), c, srv)
    srv.stop()


def c_ossl_status_revoked():
    pki = ocsp_pki()
    port = free_port()
    srv = start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1", "-cert",
                        pki["revoked"], "-key", pki["revoked_key"], "-status_file", pki["revoked_response"]], port)
    c, status = _client(port)
    failed_with_alert(c, status, "certificate_revoked")
    expect(c.summary().get("alert_by") == "us", "the alert should be ours", c)
    srv.stop()


def c_ossl_status_none():
    pki = ocsp_pki()
    port = free_port()
    srv = start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1", "-cert", pki["leaf"],
                        "-key", pki["leaf_key"]], port)
    c, status = _client(port)
    ok_summary(c, status)  # soft fail: no response is not a failure
    expect(c.summary().get("ocsp") == "none", "ocsp %r, expected none" % c.summary().get("ocsp"), c, srv)
    srv.stop()


def c_ossl_must_staple():
    """A must-staple leaf (RFC 7633): without a response our soft-fail client refuses it."""
    pki = ocsp_pki()
    for staple in (False, True):
        port = free_port()
        extra = ["-status_file", pki["must_response"]] if staple else []
        srv = start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1", "-cert",
                            pki["must"], "-key", pki["must_key"]] + extra, port)
        c, status = _client(port)
        if staple:
            ok_summary(c, status)
            expect(c.summary().get("ocsp") == "good", "ocsp %r, expected good" % c.summary().get("ocsp"), c, srv)
        else:
            failed_with_alert(c, status, "bad_certificate_status_response")
        srv.stop()


def c_gnutls_status():
    pki = ocsp_pki()
    port = free_port()
    srv = start_server(["gnutls-serv", "--port", str(port), "--x509certfile", pki["leaf"], "--x509keyfile",
                        pki["leaf_key"], "--priority", GNUTLS_TLS13, "--ocsp-response", pki["good"],
                        "--ignore-ocsp-response-errors"], port)
    c, status = _client(port)
    ok_summary(c, status)
    expect(c.summary().get("ocsp") == "good", "ocsp %r, expected good" % c.summary().get("ocsp"), c, srv)
    srv.stop()


def s_ossl_status():
    pki = ocsp_pki()
    port = free_port()
    srv = start_server([TOOL, "s_server", "--accept", str(port), "--cert", pki["leaf"], "--key", pki["leaf_key"],
                        "--num-conns", "1", "--status-file", pki["good"]], port)
    c, status = run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", pki["root"],
                     "-verify_return_error", "-servername", "localhost", "-status"], stdin_data=b"stapled\n")
    expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
    expect(c.has("OCSP Response Status: successful"), "no stapled response seen", c, srv)
    expect(c.has("Cert Status: good"), "the response does not say good", c, srv)
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")


def s_gnutls_status():
    pki = ocsp_pki()
    port = free_port()
    saved = work("gnutls-saved.ocsp.der")
    srv = start_server([TOOL, "s_server", "--accept", str(port), "--cert", pki["leaf"], "--key", pki["leaf_key"],
                        "--num-conns", "1", "--status-file", pki["good"]], port)
    c, status = run(["gnutls-cli", "-p", str(port), "--x509cafile", pki["root"], "--priority", GNUTLS_TLS13,
                     "--save-ocsp", saved, "localhost"], stdin_data=b"stapled\n")
    expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
    expect(c.has("OCSP status request"), "gnutls-cli saw no stapled response", c, srv)
    expect(os.path.exists(saved) and open(saved, "rb").read() == open(pki["good"], "rb").read(),
           "the response gnutls-cli saved is not the one stapled", c, srv)
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")


stapling_cases = [
    ("client/openssl: stapled OCSP response, good", c_ossl_status),
    ("client/openssl: stapled OCSP response, revoked", c_ossl_status_revoked),
    ("client/openssl: no stapled response (soft fail)", c_ossl_status_none),
    ("client/openssl: must-staple leaf", c_ossl_must_staple),
    ("client/gnutls: stapled OCSP response, good", c_gnutls_status),
    ("server/openssl: --status-file stapled", s_ossl_status),
    ("server/gnutls: --status-file stapled", s_gnutls_status),
]


# ----------------------------------------------------------------------------------------------
# SPKI pins (RFC 7469) in s_client, against openssl s_server with the committed test PKI.

def spki_pin(pem_path):
    """sha256//BASE64 of the first certificate's SubjectPublicKeyInfo, as openssl computes it."""
    key = subprocess.run(["openssl", "x509", "-in", pem_path, "-pubkey", "-noout"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=key, check=True,
                         capture_output=True).stdout
    import base64
    import hashlib
    return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def c_ossl_pins():
    intermediate = work("intermediate.pem")  # the second certificate of the server's chain file
    open(intermediate, "w").write(open(vec("server.pem")).read().split("-----END CERTIFICATE-----\n", 1)[1])
    pinned, backup, elsewhere = spki_pin(intermediate), spki_pin(vec("other_root.pem")), spki_pin(vec("client.pem"))
    for pins, extra, good in (([pinned, backup], [], True), ([elsewhere, backup], [], False),
                              ([pinned], [], False), ([pinned], ["--allow-no-backup-pin"], True)):
        port = free_port()
        srv = openssl_server(port)
        args = []
        for p in pins:
            args += ["--pin", p]
        c, status = carapace_client(port, "--servername", "localhost", *(args + extra), data=b"x")
        if good:
            ok_summary(c, status)
        else:
            failed_with_alert(c, status, "bad_certificate")
            expect(c.summary().get("verify") in ("pin mismatch", "no backup pin"), "verify line", c)
        srv.stop()


stapling_cases.append(("client/openssl: SPKI pins", c_ossl_pins))
