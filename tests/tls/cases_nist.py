"""The NIST curves in tests/tls/interop.py: the groups secp256r1 and secp384r1 (RFC 8446 §4.2.7,
§4.2.8.2) both ways against openssl and GnuTLS, several key shares from our client, and
HelloRetryRequest towards either curve from both sides (`openssl s_server -groups P-256` asks our
client for a P-256 share when its first ClientHello has only an X25519 one); and ecdsa_families,
which runs the certificate-using cases again with the ECDSA P-256 and P-384 PKIs of
tests/vectors/tls/ec (harness.PKIS: a server of one curve with a client of the other).
"""
from harness import *  # noqa: F401,F403 (the peers and checks)

OPENSSL_GROUP = {"secp256r1": "P-256", "secp384r1": "P-384"}
GNUTLS_GROUP = {"secp256r1": "SECP256R1", "secp384r1": "SECP384R1"}


def gnutls_groups(*groups):
    return GNUTLS_TLS13 + ":-GROUP-ALL" + "".join(":+GROUP-" + g for g in groups)


def with_pki(name, fn):
    def case():
        use_pki(name)
        try:
            fn()
        finally:
            use_pki("Ed25519")
    return case


def c_ossl_group(group):
    def case():
        port = free_port()
        srv = openssl_server(port, "-groups", OPENSSL_GROUP[group])
        c, status = carapace_client(port, "--groups", group, data=b"over %s\n" % group.encode())
        ok_summary(c, status, group=group)
        expect(wait_until(lambda: srv.has("over " + group), 5), "server did not get the data", srv, c)
        srv.stop()
    return case


def c_ossl_hrr(group):
    # Our first ClientHello has X25519MLKEM768 and X25519 shares only (the default groups).
    def case():
        port = free_port()
        srv = openssl_server(port, "-groups", OPENSSL_GROUP[group])
        c, status = carapace_client(port, data=b"after a retry\n")
        ok_summary(c, status, group=group, hrr="yes")
        expect(wait_until(lambda: srv.has("after a retry"), 5), "server did not get the data", srv, c)
        srv.stop()
    return case


def c_ossl_two_shares():
    port = free_port()
    srv = openssl_server(port, "-groups", "P-256")
    c, status = carapace_client(port, "--groups", "*x25519:*secp256r1", data=b"x")
    ok_summary(c, status, group="secp256r1")
    srv.stop()


def c_gnutls_group(group):
    def case():
        port = free_port()
        srv = gnutls_server(port, "--echo", priority=gnutls_groups(GNUTLS_GROUP[group]))
        c, status = carapace_client(port, "--groups", group, data=b"echo\n")
        ok_summary(c, status, group=group)
        expect(c.out() == b"echo\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return case


def c_gnutls_hrr(group):
    def case():
        port = free_port()
        srv = gnutls_server(port, "--echo", priority=gnutls_groups(GNUTLS_GROUP[group]))
        c, status = carapace_client(port, data=b"after a retry\n")
        ok_summary(c, status, group=group, hrr="yes")
        expect(c.out() == b"after a retry\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return case


def c_gnutls_two_shares():
    port = free_port()
    srv = gnutls_server(port, "--echo", priority=gnutls_groups("SECP384R1"))
    c, status = carapace_client(port, "--groups", "*secp384r1:*x25519", data=b"x")
    ok_summary(c, status, group="secp384r1")
    srv.stop()


def s_ossl_group(group):
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = openssl_client(port, "-groups", OPENSSL_GROUP[group], data=b"x")
        expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), group=group, peer="none", verify="skipped")
    return case


def s_ossl_hrr(group):
    # OpenSSL sends a share of its first group only: X25519, which our server does not take here.
    def case():
        port = free_port()
        srv = carapace_server(port, "--groups", group)
        c, status = openssl_client(port, "-groups", "X25519:" + OPENSSL_GROUP[group], data=b"x")
        expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), group=group, hrr="yes", peer="none", verify="skipped")
    return case


def s_ossl_preference():
    # Shares of X25519 and P-256 would take either; our server's first listed group decides.
    port = free_port()
    srv = carapace_server(port, "--groups", "secp384r1:secp256r1:x25519")
    c, status = openssl_client(port, "-groups", "P-256:X25519", data=b"x")
    expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
    ok_summary(srv, srv.wait(), group="secp256r1", peer="none", verify="skipped")


def s_gnutls_group(group):
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = gnutls_client(port, data=b"x", priority=gnutls_groups(GNUTLS_GROUP[group]))
        expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), group=group, peer="none", verify="skipped")
    return case


def s_gnutls_hrr(group):
    # gnutls-cli sends a share of its first group of each kind: X25519 and the other NIST curve
    # here, neither of which our server takes.
    def case():
        other = GNUTLS_GROUP["secp384r1" if group == "secp256r1" else "secp256r1"]
        port = free_port()
        srv = carapace_server(port, "--groups", group)
        c, status = gnutls_client(port, data=b"x", priority=gnutls_groups("X25519", other, GNUTLS_GROUP[group]))
        expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), group=group, hrr="yes", peer="none", verify="skipped")
    return case


def s_ossl_ecdsa_scheme(family, digest):
    # openssl s_client names the scheme of our server's CertificateVerify (§4.2.3: the curve's hash).
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = openssl_client(port, data=b"x")
        expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
        expect(c.has("Peer signature type: ECDSA") and c.has("Peer signing digest: " + digest),
               "openssl saw no ECDSA %s signature" % digest, c, srv)
        ok_summary(srv, srv.wait(), peer="none", verify="skipped")
    return with_pki(family, case)


def c_ossl_ecdsa_scheme(family, digest):
    # openssl s_server names the scheme of our client's CertificateVerify.
    def case():
        port = free_port()
        srv = openssl_server(port, "-Verify", "2", "-CAfile", vec(pki.root + ".pem"), "-verify_return_error")
        c, status = carapace_client(port, "--cert", vec(pki.client + ".pem"), "--key", vec(pki.client + ".key"),
                                    data=b"signed\n")
        ok_summary(c, status)
        expect(wait_until(lambda: srv.has("signed"), 5), "server did not get the data", srv, c)
        expect(srv.has("Peer signature type: ECDSA") and srv.has("Peer signing digest: " + digest),
               "openssl saw no ECDSA %s signature" % digest, srv, c)
        srv.stop()
    return with_pki(family, case)


nist_group_cases = []
for g in ("secp256r1", "secp384r1"):
    nist_group_cases += [
        ("client/openssl: group %s" % g, c_ossl_group(g)),
        ("client/openssl: HelloRetryRequest to %s" % g, c_ossl_hrr(g)),
        ("client/gnutls: group %s" % g, c_gnutls_group(g)),
        ("client/gnutls: HelloRetryRequest to %s" % g, c_gnutls_hrr(g)),
        ("server/openssl: group %s" % g, s_ossl_group(g)),
        ("server/openssl: HelloRetryRequest to %s" % g, s_ossl_hrr(g)),
        ("server/gnutls: group %s" % g, s_gnutls_group(g)),
        ("server/gnutls: HelloRetryRequest to %s" % g, s_gnutls_hrr(g)),
    ]
nist_group_cases += [
    ("client/openssl: shares of x25519 and secp256r1", c_ossl_two_shares),
    ("client/gnutls: shares of secp384r1 and x25519", c_gnutls_two_shares),
    ("server/openssl: our group preference among two shares", s_ossl_preference),
    ("server/openssl: an ecdsa_secp256r1_sha256 CertificateVerify", s_ossl_ecdsa_scheme("ECDSA P-256", "SHA256")),
    ("server/openssl: an ecdsa_secp384r1_sha384 CertificateVerify", s_ossl_ecdsa_scheme("ECDSA P-384", "SHA384")),
    ("client/openssl: an ecdsa_secp384r1_sha384 CertificateVerify", c_ossl_ecdsa_scheme("ECDSA P-256", "SHA384")),
    ("client/openssl: an ecdsa_secp256r1_sha256 CertificateVerify", c_ossl_ecdsa_scheme("ECDSA P-384", "SHA256")),
]


def ecdsa_families(cases):
    """Each of `cases` again with the ECDSA P-256 PKI, then with the ECDSA P-384 one."""
    out = []
    for family in ("ECDSA P-256", "ECDSA P-384"):
        out += [("[%s] %s" % (family, name), with_pki(family, fn)) for name, fn in cases]
    return out
