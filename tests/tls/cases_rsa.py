"""RSA in tests/tls/interop.py: rsa_families runs the certificate-using cases again with the
RSA-2048 and RSA-3072 PKIs of tests/vectors/tls/rsa (harness.PKIS; certificates signed with
sha256/sha384WithRSAEncryption, CertificateVerify with RSA-PSS, RFC 8446 §4.2.3), and the scheme
cases check what the peer saw: rsa_pss_rsae_* from our server and client, and our client
verifying whichever RSA-PSS hash the peer picks.
"""
from harness import *  # noqa: F401,F403 (the peers and checks)
from cases_nist import with_pki


def s_ossl_rsa_scheme(family, sigalg, digest):
    # openssl s_client, offering one RSA-PSS scheme, names the one our server's CertificateVerify used.
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = openssl_client(port, "-sigalgs", sigalg, data=b"x")
        expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
        expect(c.has("Peer signature type: RSA-PSS") and c.has("Peer signing digest: " + digest),
               "openssl saw no RSA-PSS %s signature" % digest, c, srv)
        ok_summary(srv, srv.wait(), peer="none", verify="skipped")
    return with_pki(family, case)


def c_ossl_rsa_scheme(family, sigalg, digest):
    # openssl s_server, asking for one RSA-PSS scheme, names the one our client's CertificateVerify used.
    def case():
        port = free_port()
        srv = openssl_server(port, "-Verify", "2", "-CAfile", vec(pki.root + ".pem"), "-verify_return_error",
                             "-client_sigalgs", sigalg)
        c, status = carapace_client(port, "--cert", vec(pki.client + ".pem"), "--key", vec(pki.client + ".key"),
                                    data=b"signed\n")
        ok_summary(c, status)
        expect(wait_until(lambda: srv.has("signed"), 5), "server did not get the data", srv, c)
        expect(srv.has("Peer signature type: RSA-PSS") and srv.has("Peer signing digest: " + digest),
               "openssl saw no RSA-PSS %s signature" % digest, srv, c)
        srv.stop()
    return with_pki(family, case)


def c_ossl_rsa_server_scheme(family, sigalg):
    # openssl s_server signing with the one RSA-PSS scheme it is allowed: our client verifies it.
    def case():
        port = free_port()
        srv = openssl_server(port, "-sigalgs", sigalg)
        c, status = carapace_client(port, data=b"verified\n")
        ok_summary(c, status)
        expect(wait_until(lambda: srv.has("verified"), 5), "server did not get the data", srv, c)
        srv.stop()
    return with_pki(family, case)


def c_gnutls_rsa_server_scheme(family, gnutls_sign):
    def case():
        port = free_port()
        srv = gnutls_server(port, "--echo", priority=GNUTLS_TLS13 + ":-SIGN-ALL:+" + gnutls_sign)
        c, status = carapace_client(port, data=b"echo\n")
        ok_summary(c, status)
        expect(c.out() == b"echo\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return with_pki(family, case)


rsa_scheme_cases = []
for family, digest in (("RSA-2048", "SHA256"), ("RSA-3072", "SHA384")):
    for bits in ("256", "384", "512"):
        rsa_scheme_cases += [
            ("[%s] server/openssl: an rsa_pss_rsae_sha%s CertificateVerify" % (family, bits),
             s_ossl_rsa_scheme(family, "rsa_pss_rsae_sha" + bits, "SHA" + bits)),
            ("[%s] client/openssl: an rsa_pss_rsae_sha%s CertificateVerify" % (family, bits),
             c_ossl_rsa_scheme(family, "rsa_pss_rsae_sha" + bits, "SHA" + bits)),
            ("[%s] client/openssl: verifies the server's rsa_pss_rsae_sha%s" % (family, bits),
             c_ossl_rsa_server_scheme(family, "rsa_pss_rsae_sha" + bits)),
            ("[%s] client/gnutls: verifies the server's rsa_pss_rsae_sha%s" % (family, bits),
             c_gnutls_rsa_server_scheme(family, "SIGN-RSA-PSS-RSAE-SHA" + bits)),
        ]


def rsa_families(cases):
    """Each of `cases` again with the RSA-2048 PKI, then with the RSA-3072 one."""
    out = []
    for family in ("RSA-2048", "RSA-3072"):
        out += [("[%s] %s" % (family, name), with_pki(family, fn)) for name, fn in cases]
    return out
