"""The AES-CCM suite cases of tests/tls/interop.py (RFC 8446 §B.4): TLS_AES_128_CCM_SHA256 and
TLS_AES_128_CCM_8_SHA256, whose tag is 8 bytes, both ways with both peers. No side offers or
accepts them by default (OpenSSL: -ciphersuites; GnuTLS: +AES-128-CCM, +AES-128-CCM-8 in the
priority string; ours: --ciphersuites), so every case names them, and a default server of ours
refuses a client that offers nothing else.
"""
from harness import *  # noqa: F401,F403 (the peers and checks)

CCM_SUITES = ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]
GNUTLS_CCM = {"TLS_AES_128_CCM_SHA256": "AES-128-CCM", "TLS_AES_128_CCM_8_SHA256": "AES-128-CCM-8"}
# Our server keeps its default suites first: a client that offers CCM alone still gets it.
OUR_SERVER_SUITES = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:" + ":".join(CCM_SUITES)


def c_ossl_ccm(suite):
    def case():
        port = free_port()
        srv = openssl_server(port, "-ciphersuites", suite)
        c, status = carapace_client(port, "--servername", "localhost", "--ciphersuites", suite,
                                    data=b"hello openssl ccm\n")
        ok_summary(c, status, cipher=suite)
        expect(wait_until(lambda: srv.has("hello openssl ccm"), 5), "server did not get the data", srv)
        srv.stop()
    return case


def c_gnutls_ccm(suite):
    def case():
        # The server takes both CCM suites besides its defaults; our client offers this one.
        port = free_port()
        srv = gnutls_server(port, "--echo", priority=GNUTLS_TLS13 + ":+AES-128-CCM:+AES-128-CCM-8")
        c, status = carapace_client(port, "--servername", "localhost", "--ciphersuites", suite,
                                    data=b"hello gnutls ccm\n")
        ok_summary(c, status, cipher=suite)
        expect(c.out() == b"hello gnutls ccm\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return case


def s_ossl_ccm(suite):
    def case():
        port = free_port()
        srv = carapace_server(port, "--ciphersuites", OUR_SERVER_SUITES)
        c, status = openssl_client(port, "-ciphersuites", suite, data=b"hello carapace ccm\n")
        expect(status == 0 and c.has("Verification: OK"), "openssl s_client failed (%s)" % status, c, srv)
        expect(c.has(suite), "openssl s_client did not report %s" % suite, c)
        ok_summary(srv, srv.wait(), cipher=suite, peer="none", verify="skipped")
        expect(srv.out() == b"hello carapace ccm\n", "server got %r" % srv.out(), srv, c)
    return case


def s_gnutls_ccm(suite):
    def case():
        port = free_port()
        srv = carapace_server(port, "--ciphersuites", OUR_SERVER_SUITES)
        c, status = gnutls_client(port, data=b"hello from gnutls ccm\n",
                                  priority=GNUTLS_TLS13 + ":-CIPHER-ALL:+" + GNUTLS_CCM[suite])
        expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), cipher=suite, peer="none", verify="skipped")
        expect(srv.out() == b"hello from gnutls ccm\n", "server got %r" % srv.out(), srv, c)
    return case


def s_ossl_ccm_not_default():
    port = free_port()
    srv = carapace_server(port)
    c, status = openssl_client(port, "-ciphersuites", ":".join(CCM_SUITES), data=b"x")
    expect(status != 0, "openssl s_client connected to a server without CCM", c, srv)
    failed_with_alert(srv, srv.wait(), "handshake_failure")


def s_gnutls_ccm_not_default():
    port = free_port()
    srv = carapace_server(port)
    c, status = gnutls_client(port, data=b"x", priority=GNUTLS_TLS13 + ":-CIPHER-ALL:+AES-128-CCM:+AES-128-CCM-8")
    expect(status != 0, "gnutls-cli connected to a server without CCM", c, srv)
    failed_with_alert(srv, srv.wait(), "handshake_failure")


ccm_cases = []
for s in CCM_SUITES:
    ccm_cases.append(("client/openssl: CCM suite %s" % s, c_ossl_ccm(s)))
    ccm_cases.append(("client/gnutls: CCM suite %s" % s, c_gnutls_ccm(s)))
    ccm_cases.append(("server/openssl: CCM suite %s" % s, s_ossl_ccm(s)))
    ccm_cases.append(("server/gnutls: CCM suite %s" % s, s_gnutls_ccm(s)))
ccm_cases += [
    ("server/openssl: CCM not on by default", s_ossl_ccm_not_default),
    ("server/gnutls: CCM not on by default", s_gnutls_ccm_not_default),
]
