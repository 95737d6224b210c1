"""Raw public key cases of tests/tls/interop.py (RFC 7250 in TLS 1.3, RFC 8446 §4.4.2).

Our client against gnutls-serv --rawpkkeyfile/--rawpkfile (the server authenticates with a bare
SubjectPublicKeyInfo, which our client pins with --raw-public-key): with Ed25519 and ECDSA P-256
keys, a pin that does not match (alert bad_certificate), and our client authenticating with its
own raw key (--send-raw-public-key) to a gnutls-serv that requires a client certificate. Our
server (--raw-public-key) against gnutls-cli, which pins nothing here (--insecure: it has no way to
take an expected raw key on its command line), and our server taking gnutls-cli's raw client key
(--client-raw-public-key). GnuTLS negotiates raw public keys only when its priority string names
the certificate types: +CTYPE-SRV-RAWPK for the server's, +CTYPE-CLI-RAWPK for the client's.

OpenSSL is no peer here: RFC 7250 support came with OpenSSL 3.2, and the 3.0 series this runs
with (Debian 12: OpenSSL 3.0.19) has none; `openssl s_client -help 2>&1 | grep -i raw` finds no option.
"""
from harness import *  # noqa: F401,F403 (the peers and checks)

RAWPK_SRV = GNUTLS_TLS13 + ":+CTYPE-SRV-RAWPK"
RAWPK_BOTH = GNUTLS_TLS13 + ":+CTYPE-SRV-RAWPK:+CTYPE-CLI-RAWPK"
RAWPK_CLI = GNUTLS_TLS13 + ":+CTYPE-CLI-RAWPK"
# The key files of each key type: the private key and its public key alone (make_*fixtures.sh).
KEYS = {"Ed25519": ("server", "client"), "ECDSA P-256": ("ec/server_p256", "ec/client_p256")}


def gnutls_rawpk_server(port, name, *extra, priority=RAWPK_SRV):
    return start_server(["gnutls-serv", "--port", str(port), "--rawpkkeyfile", vec(name + ".key"), "--rawpkfile",
                         vec(name + ".pub.pem"), "--priority", priority] + list(extra), port)


def rpk_client(port, pinned, *extra, data=b"x"):
    return run([TOOL, "s_client", "--connect", "127.0.0.1:%d" % port, "--servername", "localhost",
                "--raw-public-key", vec(pinned + ".pub.pem")] + list(extra), stdin_data=data)


def c_gnutls_rpk(kind):
    def case():
        server, _ = KEYS[kind]
        port = free_port()
        srv = gnutls_rawpk_server(port, server, "--echo")
        c, status = rpk_client(port, server, data=b"hello raw key\n")
        ok_summary(c, status, peer="raw public key (%s)" % ("Ed25519" if kind == "Ed25519" else "P-256"))
        expect(c.out() == b"hello raw key\n", "echo %r" % c.out(), c, srv)
        expect(srv.has("X.509-Raw Public Key"), "gnutls-serv did not use its raw key", srv)
        srv.stop()
    return case


def c_gnutls_rpk_mismatch():
    port = free_port()
    srv = gnutls_rawpk_server(port, "server")
    c, status = rpk_client(port, "client")
    failed_with_alert(c, status, "bad_certificate")
    expect(c.summary().get("verify") == "pin mismatch", "verify line", c)
    srv.stop()


def c_gnutls_rpk_client_auth():
    # gnutls-serv asks for and requires a client certificate; ours is our raw key. (It has no way
    # to pin a client's raw key, so it takes any: --verify-client-cert would refuse a key no CA
    # signed.)
    port = free_port()
    srv = gnutls_rawpk_server(port, "server", "--echo", "--require-client-cert", priority=RAWPK_BOTH)
    c, status = rpk_client(port, "server", "--key", vec("client.key"), "--send-raw-public-key",
                           data=b"raw client\n")
    ok_summary(c, status, peer="raw public key (Ed25519)")
    expect(c.out() == b"raw client\n", "echo %r" % c.out(), c, srv)
    ours = open(vec("client.pub.pem")).read().splitlines()[1]  # the base64 of our SPKI
    expect(srv.has("Got 1 Raw public-key(s)") and srv.has(ours), "gnutls-serv did not get our raw key", srv)
    srv.stop()


def s_gnutls_rpk(kind):
    def case():
        server, _ = KEYS[kind]
        port = free_port()
        srv = start_server([TOOL, "s_server", "--accept", str(port), "--key", vec(server + ".key"), "--raw-public-key",
                            "--num-conns", "1"], port)
        c, status = run(["gnutls-cli", "-p", str(port), "--insecure", "--priority", RAWPK_SRV, "localhost"],
                        stdin_data=b"hello from gnutls\n")
        expect(status == 0, "gnutls-cli exit status %s" % status, c, srv)
        expect(wait_until(lambda: srv.has("hello from gnutls"), 5), "server did not get the data", srv, c)
        expect(srv.wait() == 0, "s_server exit status", srv)
    return case


def s_gnutls_rpk_client_auth():
    # An X.509 server (gnutls-cli checks its chain) that takes only the client's raw key.
    port = free_port()
    srv = carapace_server(port, "--client-raw-public-key", vec("client.pub.pem"))
    c, status = gnutls_client(port, "--rawpkkeyfile", vec("client.key"), "--rawpkfile", vec("client.pub.pem"),
                              data=b"raw client key\n", priority=RAWPK_CLI)
    expect(status == 0, "gnutls-cli exit status %s" % status, c, srv)
    expect(wait_until(lambda: srv.has("raw client key"), 5), "server did not get the data", srv, c)
    expect(srv.wait() == 0, "s_server exit status", srv)
    expect(srv.summary().get("peer") == "raw public key (Ed25519)", "server's peer line", srv)
    expect(srv.summary().get("verify") == "ok", "server's verify line", srv)


rpk_cases = [
    ("client/gnutls: raw public key server, Ed25519 (--raw-public-key)", c_gnutls_rpk("Ed25519")),
    ("client/gnutls: raw public key server, ECDSA P-256 (--raw-public-key)", c_gnutls_rpk("ECDSA P-256")),
    ("client/gnutls: raw public key pin mismatch", c_gnutls_rpk_mismatch),
    ("client/gnutls: raw public key client (--send-raw-public-key)", c_gnutls_rpk_client_auth),
    ("server/gnutls: raw public key server, Ed25519 (--raw-public-key)", s_gnutls_rpk("Ed25519")),
    ("server/gnutls: raw public key server, ECDSA P-256 (--raw-public-key)", s_gnutls_rpk("ECDSA P-256")),
    ("server/gnutls: raw public key client (--client-raw-public-key)", s_gnutls_rpk_client_auth),
]
