#!/usr/bin/env python3
"""carapace-tool s_client and s_server against OpenSSL 3 and GnuTLS 3.7 on loopback.

usage: interop.py CARAPACE_TOOL [SUBSTRING...]   (only the cases whose name has a SUBSTRING)

The matrix: our client against `openssl s_server` and `gnutls-serv`, our server against
`openssl s_client` and `gnutls-cli`, over each cipher suite, with HelloRetryRequest, ALPN, SNI,
client certificates (required and optional), KeyUpdate from either side and for GET /keyupdate,
two clients of our server at once, a 64 MiB transfer compared by hash, the alerts for a wrong
host name and an untrusted chain, and our client against our server (IPv6, "localhost", echo);
all of that again with ECDSA P-256 and P-384 server and client certificates; the groups
secp256r1 and secp384r1 both ways, several key shares, HelloRetryRequest towards either curve
from both sides, and the ECDSA schemes the peers saw (cases_nist.py); all the certificate cases
again with RSA-2048 and RSA-3072 chains, and the RSA-PSS schemes each peer saw or made
(cases_rsa.py); OCSP stapling both ways
(cases_stapling.py); resumption, external PSKs and 0-RTT both ways (cases_psk.py); raw public
keys (RFC 7250) both ways with GnuTLS (cases_rpk.py); the AES-CCM suites both ways, off by
default (cases_ccm.py); and the usage errors of both commands. The harness (peers, ports,
processes, the PKI in use) is harness.py. Every process runs with a timeout on a fresh free port
and is killed at the end. Certificates: the Ed25519 test PKI of tests/vectors/tls, the ECDSA
one of tests/vectors/tls/ec and the RSA one of tests/vectors/tls/rsa.

What the peers cannot do is left out and said here:
  - A cookie in HelloRetryRequest: neither peer sends one over TCP.
The last line is "N passed, N failed"; exit status 0 only when nothing failed.
"""
import hashlib
import os
import subprocess
import sys

from harness import *  # the peers, processes and checks; TOOL and the case filters come from argv
from cases_nist import ecdsa_families, nist_group_cases
from cases_rsa import rsa_families, rsa_scheme_cases
from cases_stapling import stapling_cases
from cases_psk import psk_cases
from cases_rpk import rpk_cases
from cases_ccm import ccm_cases

# ----------------------------------------------------------------------------------------------
# carapace s_client against openssl s_server

def c_ossl_suite(suite):
    def case():
        port = free_port()
        srv = openssl_server(port, "-ciphersuites", suite)
        c, status = carapace_client(port, "--servername", "localhost", data=b"hello openssl\n")
        ok_summary(c, status, cipher=suite)
        expect(wait_until(lambda: srv.has("hello openssl"), 5), "server did not get the data", srv)
        srv.stop()
    return case


def c_ossl_suite_ours(suite):
    def case():
        port = free_port()
        srv = openssl_server(port)
        c, status = carapace_client(port, "--ciphersuites", suite, data=b"x")
        ok_summary(c, status, cipher=suite)
        srv.stop()
    return case


def c_ossl_alpn():
    port = free_port()
    srv = openssl_server(port, "-alpn", "h2,http/1.1")
    c, status = carapace_client(port, "--alpn", "foo,http/1.1", data=b"x")
    ok_summary(c, status, alpn="http/1.1")
    srv.stop()


def c_ossl_sni():
    # The server switches to its second certificate when the name matches, and says so.
    port = free_port()
    srv = openssl_server(port, "-servername", "localhost", "-cert2", leaf(pki.server), "-key2",
                         vec(pki.server + ".key"))
    c, status = carapace_client(port, "--servername", "localhost", "--insecure", data=b"x")
    ok_summary(c, status, verify="skipped")
    expect(srv.has('Hostname in TLS extension: "localhost"'), "server saw no SNI", srv, c)
    srv.stop()


def c_ossl_no_sni_for_ip():
    port = free_port()
    srv = openssl_server(port, "-servername", "localhost", "-cert2", leaf(pki.stranger), "-key2",
                         vec(pki.stranger + ".key"))
    c, status = carapace_client(port, data=b"x")  # 127.0.0.1: checked against the IP SAN, not sent
    ok_summary(c, status)
    expect(not srv.has("Hostname in TLS extension"), "SNI sent for an IP address", srv, c)
    srv.stop()


def c_ossl_mtls():
    port = free_port()
    srv = openssl_server(port, "-Verify", "2", "-CAfile", vec(pki.root + ".pem"), "-verify_return_error")
    c, status = carapace_client(port, "--cert", vec(pki.client + ".pem"), "--key", vec(pki.client + ".key"),
                                data=b"with a certificate\n")
    ok_summary(c, status)
    expect(wait_until(lambda: srv.has("with a certificate"), 5), "server did not get the data", srv, c)
    expect(srv.has(pki.client_cn[len("CN = "):]), "server did not show our certificate", srv, c)
    srv.stop()


def c_ossl_mtls_missing():
    port = free_port()
    srv = openssl_server(port, "-Verify", "2", "-CAfile", vec(pki.root + ".pem"), "-verify_return_error")
    c, status = carapace_client(port, data=b"x")
    failed_with_alert(c, status, "certificate_required")
    srv.stop()


def c_ossl_key_update_ours():
    # stdin stays open until the answer is in: after our close_notify the peer would not answer.
    port = free_port()
    srv = openssl_server(port)
    c = Proc([TOOL, "s_client", "--connect", "127.0.0.1:%d" % port, "--CAfile", vec(pki.root + ".pem"), "--key-update"])
    expect(wait_until(lambda: "key_update: sent" in c.err(), 10), "no handshake", c, srv)
    srv.write(b"from the server\n")  # OpenSSL answers a KeyUpdate when it next writes
    expect(wait_until(lambda: "key_update: received" in c.err(), 10), "no KeyUpdate answer", c, srv)
    expect(wait_until(lambda: b"from the server" in c.out(), 10), "no data from the server", c, srv)
    c.write(b"after the update\n")
    expect(wait_until(lambda: srv.has("after the update"), 10), "server did not get the data", srv, c)
    c.close_stdin()
    ok_summary(c, c.wait())
    expect("key_update: sent" in c.err(), "no KeyUpdate sent", c)
    srv.stop()


def c_ossl_key_update_theirs():
    port = free_port()
    srv = openssl_server(port)
    c = Proc([TOOL, "s_client", "--connect", "127.0.0.1:%d" % port, "--CAfile", vec(pki.root + ".pem")])
    expect(wait_until(lambda: "verify:" in c.err(), 10), "no handshake", c, srv)
    srv.write(b"K\n")  # KeyUpdate with update_requested
    expect(wait_until(lambda: "key_update: received" in c.err(), 10), "client saw no KeyUpdate", c, srv)
    c.write(b"after their update\n")
    srv.write(b"from the server\n")
    expect(wait_until(lambda: srv.has("after their update") and b"from the server" in c.out(), 10),
           "no data after the KeyUpdate", c, srv)
    c.close_stdin()
    status = c.wait()
    ok_summary(c, status)
    srv.stop()


def c_ossl_big():
    port = free_port()
    srv = openssl_server(port, "-quiet")
    c, status = carapace_client(port, "--quiet", stdin=big_file(), timeout=120)
    expect(status == 0, "exit status %s" % status, c)
    expect(wait_until(lambda: len(srv.out()) >= BIG, 30), "server got %d bytes" % len(srv.out()), srv, c)
    expect(hashlib.sha256(srv.out()).hexdigest() == sha256_file(big_file()), "64 MiB differ", srv, c)
    srv.stop()


def c_ossl_wrong_host():
    port = free_port()
    srv = openssl_server(port)
    c, status = carapace_client(port, "--servername", "wrong.example", data=b"x")
    failed_with_alert(c, status, "bad_certificate")
    expect(c.summary().get("verify") == "hostname mismatch", "verify line", c)
    srv.stop()


def c_ossl_untrusted():
    port = free_port()
    srv = openssl_server(port, cert=pki.stranger)
    c, status = carapace_client(port, data=b"x")
    failed_with_alert(c, status, "unknown_ca")
    expect(c.summary().get("verify") == "unknown issuer", "verify line", c)
    expect(c.summary().get("peer") == "CN = localhost", "peer line", c)
    srv.stop()


def c_ossl_ipv6():
    port = free_port()
    srv = start_server(["openssl", "s_server", "-accept", "[::1]:%d" % port, "-6", "-tls1_3", "-naccept", "1",
                        "-cert", leaf(pki.server), "-cert_chain", chain(pki.server),
                        "-key", vec(pki.server + ".key")], port)
    c, status = carapace_client(port, "--servername", "localhost", host="[::1]", data=b"over ipv6\n")
    ok_summary(c, status)
    expect(wait_until(lambda: srv.has("over ipv6"), 5), "server did not get the data", srv, c)
    srv.stop()


# ----------------------------------------------------------------------------------------------
# carapace s_client against gnutls-serv

def c_gnutls_suite(suite):
    def case():
        port = free_port()
        srv = gnutls_server(port, "--echo", priority=GNUTLS_TLS13 + ":-CIPHER-ALL:+" + GNUTLS_CIPHER[suite])
        c, status = carapace_client(port, "--servername", "localhost", data=b"hello gnutls\n")
        ok_summary(c, status, cipher=suite)
        expect(c.out() == b"hello gnutls\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return case


def c_gnutls_suite_ours(suite):
    def case():
        port = free_port()
        srv = gnutls_server(port, "--echo")
        c, status = carapace_client(port, "--ciphersuites", suite, data=b"ours\n")
        ok_summary(c, status, cipher=suite)
        expect(c.out() == b"ours\n", "echo %r" % c.out(), c, srv)
        srv.stop()
    return case


def c_gnutls_alpn():
    port = free_port()
    srv = gnutls_server(port, "--echo", "--alpn", "http/1.1", "--alpn-fatal")
    c, status = carapace_client(port, "--alpn", "foo,http/1.1", data=b"x")
    ok_summary(c, status, alpn="http/1.1")
    srv.stop()


def c_gnutls_sni():
    port = free_port()
    srv = gnutls_server(port, "--echo", "--sni-hostname", "localhost", "--sni-hostname-fatal")
    c, status = carapace_client(port, "--servername", "localhost", data=b"x")
    ok_summary(c, status)
    expect(wait_until(lambda: srv.has("server name[1]: localhost"), 5), "server saw no SNI", srv, c)
    c2, status = carapace_client(port, "--servername", "wrong.example", "--insecure", data=b"x")
    failed_with_alert(c2, status, "unrecognized_name")
    srv.stop()


def c_gnutls_mtls():
    port = free_port()
    srv = gnutls_server(port, "--echo", "--require-client-cert", "--verify-client-cert", "--x509cafile",
                        vec(pki.root + ".pem"))
    c, status = carapace_client(port, "--cert", vec(pki.client + ".pem"), "--key", vec(pki.client + ".key"), data=b"mtls\n")
    ok_summary(c, status)
    expect(c.out() == b"mtls\n", "echo %r" % c.out(), c, srv)
    c2, status = carapace_client(port, data=b"x")
    failed_with_alert(c2, status, "certificate_required")
    srv.stop()


def c_gnutls_key_update_ours():
    port = free_port()
    srv = gnutls_server(port, "--echo")
    c, status = carapace_client(port, "--key-update", data=b"after the update\n")
    ok_summary(c, status)
    s = c.err()
    expect("key_update: sent" in s and "key_update: received" in s, "no KeyUpdate exchange", c)
    expect(c.out() == b"after the update\n", "echo %r" % c.out(), c, srv)
    srv.stop()


def c_gnutls_big():
    port = free_port()
    srv = gnutls_server(port, "--echo", "--quiet")
    out = work("big-echo.bin")
    with open(out, "wb") as f, open(big_text_file(), "rb") as data:
        p = subprocess.Popen([TOOL, "s_client", "--connect", "127.0.0.1:%d" % port, "--CAfile", vec(pki.root + ".pem"),
                              "--quiet"], stdin=data, stdout=f, stderr=subprocess.PIPE)
        processes.append(p)
        try:
            _, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            raise Failure("timeout")
    expect(p.returncode == 0, "exit status %s: %s" % (p.returncode, err.decode(errors="replace")), srv)
    expect(sha256_file(out) == sha256_file(big_text_file()),
           "64 MiB echo differs (%d bytes back)" % os.path.getsize(out), srv)
    srv.stop()


def c_gnutls_wrong_host():
    port = free_port()
    srv = gnutls_server(port, "--echo")
    c, status = carapace_client(port, "--servername", "wrong.example", data=b"x")
    failed_with_alert(c, status, "bad_certificate")
    srv.stop()


def c_gnutls_untrusted():
    port = free_port()
    srv = gnutls_server(port, "--echo", cert=pki.stranger)
    c, status = carapace_client(port, data=b"x")
    failed_with_alert(c, status, "unknown_ca")
    srv.stop()


# ----------------------------------------------------------------------------------------------
# carapace s_server against openssl s_client

def s_ossl_suite(suite):
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = openssl_client(port, "-ciphersuites", suite, data=b"hello carapace\n")
        expect(status == 0 and c.has("Verification: OK"), "openssl s_client failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), cipher=suite, peer="none", verify="skipped")
        expect(srv.out() == b"hello carapace\n", "server got %r" % srv.out(), srv, c)
    return case


def s_ossl_hrr():
    port = free_port()
    srv = carapace_server(port, "--groups", "x25519")
    c, status = openssl_client(port, "-groups", "P-256:X25519", data=b"after a retry\n")
    expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
    ok_summary(srv, srv.wait(), hrr="yes", peer="none", verify="skipped")
    expect(srv.out() == b"after a retry\n", "server got %r" % srv.out(), srv, c)


def s_ossl_alpn():
    port = free_port()
    srv = carapace_server(port, "--alpn", "http/1.1,h2")
    c, status = openssl_client(port, "-alpn", "h2,http/1.1", data=b"x")
    expect(status == 0 and c.has("ALPN protocol: http/1.1"), "openssl s_client: no ALPN", c, srv)
    ok_summary(srv, srv.wait(), alpn="http/1.1", peer="none", verify="skipped")


def s_ossl_sni():
    port = free_port()
    srv = carapace_server(port, conns=2)
    c, status = openssl_client(port, data=b"x")
    expect(status == 0, "openssl s_client failed", c, srv)
    expect(wait_until(lambda: "sni: localhost" in srv.err(), 5), "server saw no SNI", srv, c)
    c, status = openssl_client(port, "-noservername", data=b"x")
    expect(status == 0, "openssl s_client failed", c, srv)
    expect(srv.wait() == 0 and "sni: none" in srv.err(), "server saw SNI", srv, c)


def s_ossl_mtls():
    port = free_port()
    srv = carapace_server(port, "--verify-client", "--CAfile", vec(pki.root + ".pem"))
    c, status = openssl_client(port, "-cert", leaf(pki.client), "-cert_chain", chain(pki.client),
                               "-key", vec(pki.client + ".key"), data=b"authenticated\n")
    expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
    ok_summary(srv, srv.wait(), peer=pki.client_cn, verify="ok")
    expect(srv.out() == b"authenticated\n", "server got %r" % srv.out(), srv, c)


def s_ossl_mtls_missing():
    port = free_port()
    srv = carapace_server(port, "--verify-client", "--CAfile", vec(pki.root + ".pem"))
    c, status = openssl_client(port, data=b"x")
    failed_with_alert(srv, srv.wait(), "certificate_required")
    expect(srv.summary().get("alert_by") == "us", "alert_by", srv)


def s_ossl_mtls_untrusted():
    port = free_port()
    srv = carapace_server(port, "--verify-client", "--CAfile", vec(pki.root + ".pem"))
    c, status = openssl_client(port, "-cert", leaf(pki.stranger), "-key", vec(pki.stranger + ".key"), data=b"x")
    failed_with_alert(srv, srv.wait())  # stranger.pem is neither trusted nor for client auth
    expect(srv.summary().get("verify") in ("unknown issuer", "wrong purpose"), "verify line", srv)


def s_ossl_mtls_optional():
    # Asked for, not required: a client without a certificate is served, one with it is verified.
    port = free_port()
    srv = carapace_server(port, "--verify-client", "optional", "--CAfile", vec(pki.root + ".pem"), conns=2)
    c, status = openssl_client(port, data=b"anonymous\n")
    expect(status == 0, "openssl s_client without a certificate failed (%s)" % status, c, srv)
    expect(wait_until(lambda: "verify: none" in srv.err(), 5), "no summary for the anonymous client", srv, c)
    c, status = openssl_client(port, "-cert", leaf(pki.client), "-cert_chain", chain(pki.client),
                               "-key", vec(pki.client + ".key"), data=b"authenticated\n")
    expect(status == 0, "openssl s_client with a certificate failed (%s)" % status, c, srv)
    ok_summary(srv, srv.wait(), peer=pki.client_cn, verify="ok")
    expect(srv.out() == b"anonymous\nauthenticated\n", "server got %r" % srv.out(), srv, c)


def s_ossl_get_keyupdate():
    # What tlsfuzzer's keyupdate-from-server sends; OpenSSL answers our KeyUpdate when it next writes.
    port = free_port()
    srv = carapace_server(port)
    c = Proc(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", vec(pki.root + ".pem"),
              "-verify_return_error", "-servername", "localhost"])
    expect(wait_until(lambda: "sni:" in srv.err(), 10), "no handshake", srv, c)
    c.write(b"GET /keyupdate HTTP/1.0\r\n\r\n")
    expect(wait_until(lambda: b"keys updated" in c.out(), 10), "no HTTP response", srv, c)
    expect(b"HTTP/1.0 200 OK" in c.out() and "key_update: sent" in srv.err(), "KeyUpdate and response", srv, c)
    c.write(b"after\n")
    expect(wait_until(lambda: "key_update: received" in srv.err(), 10), "no KeyUpdate answer", srv, c)
    c.close_stdin()
    c.wait()
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")


def s_ossl_concurrent():
    # The first client stays connected and silent while a second one is served.
    def client():
        return Proc(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", vec(pki.root + ".pem"),
                     "-verify_return_error", "-servername", "localhost"])
    port = free_port()
    srv = carapace_server(port, "--echo", conns=2)
    first = client()
    expect(wait_until(lambda: "sni:" in srv.err(), 10), "no handshake", srv, first)
    second = client()
    second.write(b"second\n")
    expect(wait_until(lambda: b"second\n" in second.out(), 10), "the second client was not served", srv, second)
    second.close_stdin()
    expect(second.wait() == 0, "the second client failed", srv, second)
    first.write(b"first\n")
    expect(wait_until(lambda: b"first\n" in first.out(), 10), "the first client was not served", srv, first)
    first.close_stdin()
    expect(first.wait() == 0, "the first client failed", srv, first)
    expect(srv.wait() == 0, "server failed", srv)


def s_ossl_key_update_theirs():
    port = free_port()
    srv = carapace_server(port, "--echo")
    c = Proc(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", vec(pki.root + ".pem"),
              "-verify_return_error", "-servername", "localhost"])
    expect(wait_until(lambda: "sni:" in srv.err(), 10), "no handshake", srv, c)
    c.write(b"before\n")
    expect(wait_until(lambda: b"before" in c.out(), 10), "no echo", srv, c)
    c.write(b"K\n")
    expect(wait_until(lambda: "key_update: received" in srv.err(), 10), "server saw no KeyUpdate", srv, c)
    c.write(b"after\n")
    expect(wait_until(lambda: b"after" in c.out(), 10), "no echo after the KeyUpdate", srv, c)
    c.close_stdin()
    c.wait()
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")


def s_ossl_key_update_ours():
    port = free_port()
    srv = carapace_server(port, "--key-update")
    c = Proc(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", vec(pki.root + ".pem"),
              "-verify_return_error", "-servername", "localhost"])
    expect(wait_until(lambda: "key_update: sent" in srv.err(), 10), "no handshake", srv, c)
    c.write(b"after the update\n")  # OpenSSL answers a KeyUpdate when it next writes
    expect(wait_until(lambda: "key_update: received" in srv.err(), 10), "no KeyUpdate answer", srv, c)
    c.close_stdin()
    expect(c.wait() == 0, "openssl s_client failed", c, srv)
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")
    expect("key_update: sent" in srv.err() and srv.out() == b"after the update\n", "data after the update", srv)


def s_ossl_big():
    port = free_port()
    srv = carapace_server(port, "--quiet")
    c, status = openssl_client(port, "-nocommands", "-quiet", "-no_ign_eof", stdin=big_file(), timeout=120)
    expect(status == 0, "openssl s_client failed (%s)" % status, c, srv)
    expect(srv.wait() == 0, "server failed", srv)
    expect(hashlib.sha256(srv.out()).hexdigest() == sha256_file(big_file()),
           "64 MiB differ (%d bytes)" % len(srv.out()), srv, c)


def s_ossl_wrong_host():
    port = free_port()
    srv = carapace_server(port)
    c, status = openssl_client(port, host="wrong.example", data=b"x")
    expect(status != 0, "openssl s_client accepted a wrong name", c, srv)
    failed_with_alert(srv, srv.wait())
    expect(srv.summary().get("alert_by") == "peer", "alert_by", srv)  # OpenSSL's alert comes in the clear


def s_ossl_untrusted():
    port = free_port()
    srv = carapace_server(port, cert=pki.stranger)
    c, status = openssl_client(port, data=b"x")
    expect(status != 0, "openssl s_client accepted an untrusted chain", c, srv)
    failed_with_alert(srv, srv.wait(), "unknown_ca")
    expect(srv.summary().get("alert_by") == "peer", "alert_by", srv)


# ----------------------------------------------------------------------------------------------
# carapace s_server against gnutls-cli

def s_gnutls_suite(suite):
    def case():
        port = free_port()
        srv = carapace_server(port)
        c, status = gnutls_client(port, data=b"hello from gnutls\n",
                                  priority=GNUTLS_TLS13 + ":-CIPHER-ALL:+" + GNUTLS_CIPHER[suite])
        expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
        ok_summary(srv, srv.wait(), cipher=suite, peer="none", verify="skipped")
        expect(srv.out() == b"hello from gnutls\n", "server got %r" % srv.out(), srv, c)
    return case


def s_gnutls_hrr():
    # gnutls-cli sends shares of its first two groups of different kinds: P-256 and X448 here.
    port = free_port()
    srv = carapace_server(port, "--groups", "x25519")
    c, status = gnutls_client(port, data=b"x",
                              priority=GNUTLS_TLS13 + ":-GROUP-ALL:+GROUP-SECP256R1:+GROUP-X448:+GROUP-X25519")
    expect(status == 0, "gnutls-cli failed", c, srv)
    ok_summary(srv, srv.wait(), hrr="yes", peer="none", verify="skipped")


def s_gnutls_alpn():
    port = free_port()
    srv = carapace_server(port, "--alpn", "http/1.1")
    c, status = gnutls_client(port, "--alpn", "h2", "--alpn", "http/1.1", data=b"x")
    expect(status == 0 and c.has("http/1.1"), "gnutls-cli: no ALPN", c, srv)
    ok_summary(srv, srv.wait(), alpn="http/1.1", peer="none", verify="skipped")


def s_gnutls_sni():
    port = free_port()
    srv = carapace_server(port)
    c, status = gnutls_client(port, "--sni-hostname", "localhost", data=b"x")
    expect(status == 0, "gnutls-cli failed", c, srv)
    expect(srv.wait() == 0 and srv.summary().get("sni") == "localhost", "server saw no SNI", srv, c)


def s_gnutls_mtls():
    port = free_port()
    srv = carapace_server(port, "--verify-client", "--CAfile", vec(pki.root + ".pem"), conns=2)
    c, status = gnutls_client(port, "--x509certfile", vec(pki.client + ".pem"), "--x509keyfile", vec(pki.client + ".key"),
                              data=b"authenticated\n")
    expect(status == 0, "gnutls-cli failed", c, srv)
    expect(wait_until(lambda: "verify: ok" in srv.err(), 5), "client not verified", srv, c)
    expect(srv.summary().get("peer") == pki.client_cn, "peer line", srv)
    c2, status = gnutls_client(port, data=b"x")
    expect(srv.wait() == 1, "server accepted a client without certificate", srv, c2)
    expect(srv.summary().get("alert") == "certificate_required", "alert line", srv, c2)
    expect(srv.out() == b"authenticated\n", "server got %r" % srv.out(), srv, c)


def s_gnutls_key_update_theirs():
    port = free_port()
    srv = carapace_server(port)
    c, status = gnutls_client(port, "--rehandshake", data=b"after the update\n")  # TLS 1.3: a KeyUpdate
    expect(status == 0, "gnutls-cli failed", c, srv)
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")
    expect("key_update: received" in srv.err(), "server saw no KeyUpdate", srv, c)
    expect(srv.out() == b"after the update\n", "server got %r" % srv.out(), srv, c)


def s_gnutls_key_update_ours():
    port = free_port()
    srv = carapace_server(port, "--key-update")
    c = Proc(["gnutls-cli", "-p", str(port), "--x509cafile", vec(pki.root + ".pem"), "--priority", GNUTLS_TLS13,
              "localhost"])
    expect(wait_until(lambda: "key_update: sent" in srv.err(), 10), "no handshake", srv, c)
    c.write(b"after the update\n")  # GnuTLS answers a KeyUpdate when it next writes
    expect(wait_until(lambda: "key_update: received" in srv.err(), 10), "no KeyUpdate answer", srv, c)
    c.close_stdin()
    expect(c.wait() == 0, "gnutls-cli failed", c, srv)
    ok_summary(srv, srv.wait(), peer="none", verify="skipped")
    expect(srv.out() == b"after the update\n", "server got %r" % srv.out(), srv, c)


def s_gnutls_big():
    port = free_port()
    srv = carapace_server(port, "--quiet")
    c, status = gnutls_client(port, stdin=big_file(), timeout=120)
    expect(status == 0, "gnutls-cli failed (%s)" % status, c, srv)
    expect(srv.wait() == 0, "server failed", srv)
    expect(hashlib.sha256(srv.out()).hexdigest() == sha256_file(big_file()),
           "64 MiB differ (%d bytes)" % len(srv.out()), srv, c)


def s_gnutls_wrong_host():
    port = free_port()
    srv = carapace_server(port)
    c, status = gnutls_client(port, "--verify-hostname", "wrong.example", data=b"x")
    expect(status != 0, "gnutls-cli accepted a wrong name", c, srv)
    failed_with_alert(srv, srv.wait(), "bad_certificate")
    expect(srv.summary().get("alert_by") == "peer", "alert_by", srv)


def s_gnutls_untrusted():
    port = free_port()
    srv = carapace_server(port, cert=pki.stranger)
    c, status = gnutls_client(port, data=b"x")
    expect(status != 0, "gnutls-cli accepted an untrusted chain", c, srv)
    failed_with_alert(srv, srv.wait(), "bad_certificate")  # GnuTLS's alert for any verification failure
    expect(srv.summary().get("alert_by") == "peer", "alert_by", srv)


# ----------------------------------------------------------------------------------------------
# carapace against itself, and the usage errors

def self_ipv6_echo():
    port = free_port()
    srv = carapace_server(port, "--echo")
    c, status = carapace_client(port, "--servername", "localhost", host="[::1]", data=b"v6\n")
    ok_summary(c, status, group="X25519MLKEM768")  # both ends' default: the hybrid
    expect(c.out() == b"v6\n", "echo %r" % c.out(), c, srv)
    expect(srv.wait() == 0, "server failed", srv)


def self_localhost_mtls_alpn():
    port = free_port()
    srv = carapace_server(port, "--echo", "--verify-client", "--CAfile", vec(pki.root + ".pem"), "--alpn", "b,a")
    c, status = carapace_client(port, "--alpn", "a,b", "--cert", vec(pki.client + ".pem"), "--key", vec(pki.client + ".key"),
                                "--key-update", host="localhost", data=b"both ways\n")
    ok_summary(c, status, alpn="b", group="X25519MLKEM768")
    expect(c.out() == b"both ways\n", "echo %r" % c.out(), c, srv)
    ok_summary(srv, srv.wait(), alpn="b", peer=pki.client_cn, verify="ok", group="X25519MLKEM768")
    expect("key_update: received" in srv.err() and "key_update: received" in c.err(), "KeyUpdate", c, srv)


def self_big_echo():
    port = free_port()
    srv = carapace_server(port, "--echo", "--quiet", "--ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
    out = work("self-echo.bin")
    with open(out, "wb") as f, open(big_file(), "rb") as data:
        p = subprocess.run([TOOL, "s_client", "--connect", "localhost:%d" % port, "--CAfile", vec(pki.root + ".pem"),
                            "--quiet"], stdin=data, stdout=f, stderr=subprocess.PIPE, timeout=120)
    expect(p.returncode == 0, "exit status %s: %s" % (p.returncode, p.stderr.decode(errors="replace")), srv)
    expect(sha256_file(out) == sha256_file(big_file()), "64 MiB echo differs", srv)
    expect(srv.wait() == 0, "server failed", srv)


def usage_errors():
    port = free_port()
    ec_key = work("ec.key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    ec_key], check=True, capture_output=True, timeout=TIMEOUT)
    target = "127.0.0.1:%d" % port
    server = ["s_server", "--accept", str(port), "--cert", vec("server.pem"), "--key", vec(pki.server + ".key")]
    bad = [
        ["s_client"],
        ["s_client", "--connect", "nohost"],
        ["s_client", "--connect", target, "--groups", "x25519:nope"],
        ["s_client", "--connect", target, "--groups", "secp521r1"],
        ["s_client", "--connect", target, "--groups", "*x25519:*secp256r1:*secp384r1:*x25519"],
        ["s_client", "--connect", target, "--ciphersuites", "TLS_AES_256_CCM_SHA256"],
        ["s_client", "--connect", target, "--CAfile", work("missing.pem")],
        ["s_client", "--connect", target, "--CAfile", vec(pki.root + ".pem"), "--insecure"],
        ["s_client", "--connect", target, "--cert", vec(pki.client + ".pem")],
        ["s_client", "--connect", target, "--cert", vec(pki.client + ".pem"), "--key", ec_key],
        ["s_client", "--connect", target, "--cert", vec(pki.client + ".pem"), "--key", vec(pki.server + ".key")],
        ["s_client", "--connect", target, "--alpn", "a,,b"],
        ["s_client", "--connect", target, "--bogus"],
        ["s_server", "--accept", str(port)],
        server + ["--key-file-typo"],
        server[:5] + [work("missing.pem"), "--key", vec(pki.server + ".key")],
        server[:7] + [ec_key],
        server + ["--verify-client"],
        server + ["--verify-client", "optional"],
        server + ["--verify-client=maybe", "--CAfile", vec(pki.root + ".pem")],
        server + ["--max-conns", "0"],
        server + ["--timeout", "soon"],
        server + ["--num-conns", "0"],
        server + ["--groups", "SecP384r1MLKEM1024"],
        server + ["--ciphersuites", "TLS_AES_128_GCM_SHA256:nope"],
        server + ["--status-file", work("missing.der")],
        server + ["--status-file", "/dev/null"],
        server + ["--status-file", "/dev/zero"],
        ["s_client", "--connect", target, "--status=yes"],
        ["s_client", "--connect", target, "--pin", "sha256//short"],
        ["s_client", "--connect", target, "--allow-no-backup-pin"],
        ["s_server", "--accept", "host:port", "--cert", vec("server.pem"), "--key", vec(pki.server + ".key")],
    ]
    for args in bad:
        p, status = run([TOOL] + args, timeout=10)
        expect(status == 2 and p.err().startswith("carapace-tool: ") and p.out() == b"",
               "exit %s for %s" % (status, " ".join(args)), p)
    # Nothing listens: a failure, not a usage error.
    p, status = run([TOOL, "s_client", "--connect", target, "--CAfile", vec(pki.root + ".pem")], timeout=10)
    expect(status == 1 and "error: " in p.err(), "connection refused: exit %s" % status, p)


# ----------------------------------------------------------------------------------------------

cases = []
for s in SUITES:
    cases.append(("client/openssl: suite %s (server's choice)" % s, c_ossl_suite(s)))
    cases.append(("client/openssl: suite %s (--ciphersuites)" % s, c_ossl_suite_ours(s)))
cases += [
    ("client/openssl: ALPN", c_ossl_alpn),
    ("client/openssl: SNI", c_ossl_sni),
    ("client/openssl: no SNI for an IP address", c_ossl_no_sni_for_ip),
    ("client/openssl: client certificate", c_ossl_mtls),
    ("client/openssl: client certificate missing", c_ossl_mtls_missing),
    ("client/openssl: KeyUpdate (ours)", c_ossl_key_update_ours),
    ("client/openssl: KeyUpdate (theirs)", c_ossl_key_update_theirs),
    ("client/openssl: 64 MiB", c_ossl_big),
    ("client/openssl: wrong host name", c_ossl_wrong_host),
    ("client/openssl: untrusted chain", c_ossl_untrusted),
    ("client/openssl: IPv6", c_ossl_ipv6),
]
for s in SUITES:
    cases.append(("client/gnutls: suite %s (server's choice)" % s, c_gnutls_suite(s)))
    cases.append(("client/gnutls: suite %s (--ciphersuites)" % s, c_gnutls_suite_ours(s)))
cases += [
    ("client/gnutls: ALPN", c_gnutls_alpn),
    ("client/gnutls: SNI", c_gnutls_sni),
    ("client/gnutls: client certificate", c_gnutls_mtls),
    ("client/gnutls: KeyUpdate (ours)", c_gnutls_key_update_ours),
    ("client/gnutls: 64 MiB echo", c_gnutls_big),
    ("client/gnutls: wrong host name", c_gnutls_wrong_host),
    ("client/gnutls: untrusted chain", c_gnutls_untrusted),
]
for s in SUITES:
    cases.append(("server/openssl: suite %s" % s, s_ossl_suite(s)))
cases += [
    ("server/openssl: HelloRetryRequest", s_ossl_hrr),
    ("server/openssl: ALPN", s_ossl_alpn),
    ("server/openssl: SNI", s_ossl_sni),
    ("server/openssl: client certificate", s_ossl_mtls),
    ("server/openssl: client certificate missing", s_ossl_mtls_missing),
    ("server/openssl: client certificate untrusted", s_ossl_mtls_untrusted),
    ("server/openssl: client certificate optional", s_ossl_mtls_optional),
    ("server/openssl: GET /keyupdate", s_ossl_get_keyupdate),
    ("server/openssl: two clients at once", s_ossl_concurrent),
    ("server/openssl: KeyUpdate (theirs)", s_ossl_key_update_theirs),
    ("server/openssl: KeyUpdate (ours)", s_ossl_key_update_ours),
    ("server/openssl: 64 MiB", s_ossl_big),
    ("server/openssl: wrong host name", s_ossl_wrong_host),
    ("server/openssl: untrusted chain", s_ossl_untrusted),
]
for s in SUITES:
    cases.append(("server/gnutls: suite %s" % s, s_gnutls_suite(s)))
cases += [
    ("server/gnutls: HelloRetryRequest", s_gnutls_hrr),
    ("server/gnutls: ALPN", s_gnutls_alpn),
    ("server/gnutls: SNI", s_gnutls_sni),
    ("server/gnutls: client certificate, then none", s_gnutls_mtls),
    ("server/gnutls: KeyUpdate (theirs)", s_gnutls_key_update_theirs),
    ("server/gnutls: KeyUpdate (ours)", s_gnutls_key_update_ours),
    ("server/gnutls: 64 MiB", s_gnutls_big),
    ("server/gnutls: wrong host name", s_gnutls_wrong_host),
    ("server/gnutls: untrusted chain", s_gnutls_untrusted),
    ("self: IPv6 echo", self_ipv6_echo),
    ("self: localhost, client certificate, ALPN, KeyUpdate", self_localhost_mtls_alpn),
    ("self: 64 MiB echo", self_big_echo),
]
# Every case so far uses certificates: again with ECDSA P-256 and P-384 ones, and with RSA-2048
# and RSA-3072 ones.
certificate_cases = list(cases)
cases += nist_group_cases + ecdsa_families(certificate_cases) + rsa_families(certificate_cases) + rsa_scheme_cases
cases += [("usage errors: exit 2", usage_errors)]
cases += stapling_cases
cases += psk_cases
cases += rpk_cases
cases += ccm_cases

sys.exit(run_cases(cases))
