"""Resumption and external PSK cases of tests/tls/interop.py (RFC 8446 §2.2, §4.2.11, §4.6.1).

Resumption both ways: our client (--sess-out, then --sess-in) against openssl s_server and
gnutls-serv, and our server (--tickets) against openssl s_client (-sess_out, then -sess_in) and
gnutls-cli --resume. External PSKs both ways: openssl s_server -psk -psk_identity -nocert and
openssl s_client -psk -psk_identity; gnutls-serv --pskpasswd FILE and gnutls-cli --pskusername
--pskkey. psk_ke (no key exchange) too where the peer allows it: our client resuming with openssl
s_server -allow_no_dhe_kex and gnutls-serv; on our PSK server, openssl s_client -allow_no_dhe_kex
(which offers both modes: ours, set to psk_ke, takes psk_ke) and gnutls-cli with PSK as its only
key exchange (which offers psk_ke alone). 0-RTT both ways: our client (--sess-in, --early-data)
against openssl s_server -early_data -max_early_data and gnutls-serv --earlydata --maxearlydata,
and our server (--early-data) against openssl s_client -sess_in -early_data and gnutls-cli
--resume --earlydata; each side must say the early data was accepted, and it must arrive.
"""
import os

from harness import *  # noqa: F401,F403 (the peers and checks)

PSK_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff"
PSK_ID = "device-42"
# GnuTLS takes PSK key exchanges only when its priority string names them.
GNUTLS_PSK = GNUTLS_TLS13 + ":+ECDHE-PSK:+DHE-PSK:+PSK"


def held_open(args, data, until, timeout=10):
    """A client whose stdin stays open until `until(proc)` holds (so that it reads the server's
    tickets before its stdin ends), then closes: (Proc, exit status)."""
    p = Proc(args)
    p.write(data)
    wait_until(lambda: until(p), timeout)
    p.close_stdin()
    return p, p.wait()


def resume_summary(p, status, resumed):
    s = p.summary()
    expect(status == 0, "exit status %s" % status, p)
    expect(s.get("resumed") == resumed, "resumed %r, expected %r" % (s.get("resumed"), resumed), p)
    expect(s.get("early_data") == "not_offered", "early_data line", p)


EARLY = b"GET /early HTTP/1.0\r\n\r\n"


def early_file():
    path = work("early.txt")
    with open(path, "wb") as f:
        f.write(EARLY)
    return path


def c_ossl_early():
    port = free_port()
    srv = openssl_server(port, "-naccept", "2", "-early_data", "-max_early_data", "16384")
    sess = work("ossl-early.ticket")
    c, status = carapace_client(port, "--servername", "localhost", "--sess-out", sess, data=b"x")
    resume_summary(c, status, "no")
    expect("max_early_data 16384\n" in open(sess).read(), "the ticket allows no early data", c, srv)
    c2, status = carapace_client(port, "--servername", "localhost", "--sess-in", sess, "--early-data", early_file(),
                                 data=b"late\n")
    s = c2.summary()
    expect(status == 0 and s.get("resumed") == "yes" and s.get("early_data") == "accepted",
           "early data not accepted (%s)" % status, c2, srv)
    # openssl s_server prints the header only when it read early data (the data itself goes to its
    # stdout unbuffered, so the order of the lines varies).
    expect(wait_until(lambda: srv.has("Early data received:") and srv.has("End of early data") and
                      srv.has(EARLY.decode()) and srv.has("late\n"), 5), "openssl s_server did not read the early data",
           srv, c2)
    srv.stop()


def c_gnutls_early():
    port = free_port()
    # At debug level 4 gnutls-serv logs its verdict on early data and the EndOfEarlyData it read.
    srv = gnutls_server(port, "-d", "4", "--echo", "--earlydata", "--maxearlydata", "16384")
    sess = work("gnutls-early.ticket")
    c, status = carapace_client(port, "--servername", "localhost", "--sess-out", sess, data=b"first\n")
    resume_summary(c, status, "no")
    c2, status = carapace_client(port, "--servername", "localhost", "--sess-in", sess, "--early-data", early_file(),
                                 data=b"late\n")
    s = c2.summary()
    expect(status == 0 and s.get("resumed") == "yes" and s.get("early_data") == "accepted",
           "early data not accepted (%s)" % status, c2, srv)
    expect(wait_until(lambda: srv.has("early data accepted") and srv.has("END OF EARLY DATA (5) was received"), 5),
           "gnutls-serv did not take the early data", srv, c2)
    # Whether gnutls-serv's echo loop echoes early data depends on timing (in these runs it often
    # did not): the echo is checked for the data sent after the handshake only.
    expect(c2.out().endswith(b"late\n"), "echo %r" % c2.out(), c2, srv)
    srv.stop()


def s_ossl_early():
    port = free_port()
    srv = carapace_server(port, "--early-data", conns=2)
    sess = work("ossl-server-early.ticket")
    c, status = held_open(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile",
                           vec(pki.root + ".pem"), "-servername", "localhost", "-sess_out", sess], b"x",
                          lambda p: os.path.exists(sess) and os.path.getsize(sess) > 0)
    expect(status == 0 and c.has("New, TLSv1.3"), "first connection (%s)" % status, c, srv)
    c2, status = held_open(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile",
                            vec(pki.root + ".pem"), "-servername", "localhost", "-sess_in", sess, "-early_data",
                            early_file()], b"late\n", lambda p: p.has("Early data was"))
    expect(status == 0 and c2.has("Reused, TLSv1.3") and c2.has("Early data was accepted"),
           "openssl s_client: early data not accepted (%s)" % status, c2, srv)
    srv.wait()
    expect(srv.text().count("early_data: accepted") == 1 and srv.text().count("early_data: not_offered") == 1,
           "server summary", srv)
    expect(srv.out() == b"x" + EARLY + b"late\n", "server got %r" % srv.out(), srv, c2)


def s_gnutls_early():
    port = free_port()
    srv = carapace_server(port, "--early-data", conns=2)
    c, status = held_open(["gnutls-cli", "-p", str(port), "--x509cafile", vec(pki.root + ".pem"), "--priority",
                           GNUTLS_TLS13, "--resume", "--earlydata", early_file(), "localhost"], b"",
                          lambda p: p.text().count("Handshake was completed") >= 2, timeout=20)
    expect(status == 0 and c.has("This is a resumed session"), "gnutls-cli did not resume (%s)" % status, c, srv)
    srv.wait()
    expect(srv.text().count("early_data: accepted") == 1, "server summary", srv, c)
    expect(EARLY in srv.out(), "server got %r" % srv.out(), srv, c)


def c_ossl_resume():
    port = free_port()
    srv = openssl_server(port, "-naccept", "2")
    sess = work("ossl-client.ticket")
    c, status = carapace_client(port, "--servername", "localhost", "--sess-out", sess, data=b"x")
    resume_summary(c, status, "no")
    expect(c.summary().get("sess_out") == "written", "no ticket written", c, srv)
    c2, status = carapace_client(port, "--servername", "localhost", "--sess-in", sess, data=b"y")
    resume_summary(c2, status, "yes")
    srv.stop()


def c_gnutls_resume():
    port = free_port()
    srv = gnutls_server(port, "--echo")
    sess = work("gnutls-client.ticket")
    c, status = carapace_client(port, "--servername", "localhost", "--sess-out", sess, data=b"first\n")
    resume_summary(c, status, "no")
    expect(c.summary().get("sess_out") == "written", "no ticket written", c, srv)
    c2, status = carapace_client(port, "--servername", "localhost", "--sess-in", sess, data=b"again\n")
    resume_summary(c2, status, "yes")
    expect(c2.out() == b"again\n", "echo %r" % c2.out(), c2, srv)
    srv.stop()


def c_resume_psk_ke(peer):
    """Our client resumes with psk_ke alone: the server runs no key exchange (group none)."""
    def case():
        port = free_port()
        if peer == "openssl":
            srv = openssl_server(port, "-naccept", "2", "-allow_no_dhe_kex")
        else:
            srv = gnutls_server(port, "--echo", priority=GNUTLS_PSK)
        sess = work("%s-psk-ke.ticket" % peer)
        c, status = carapace_client(port, "--servername", "localhost", "--sess-out", sess, data=b"x")
        resume_summary(c, status, "no")
        c2, status = carapace_client(port, "--servername", "localhost", "--sess-in", sess, "--psk-mode", "psk_ke",
                                     data=b"y")
        resume_summary(c2, status, "yes")
        expect(c2.summary().get("group") == "none", "group %r with psk_ke" % c2.summary().get("group"), c2, srv)
        srv.stop()
    return case


def s_ossl_resume():
    port = free_port()
    srv = carapace_server(port, "--tickets", "2", conns=2)
    sess = work("ossl-server.ticket")
    c, status = held_open(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile",
                           vec(pki.root + ".pem"), "-servername", "localhost", "-sess_out", sess], b"x",
                          lambda p: os.path.exists(sess) and os.path.getsize(sess) > 0)  # written as the ticket arrives
    expect(status == 0 and c.has("New, TLSv1.3"), "first connection (%s)" % status, c, srv)
    c2, status = held_open(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile",
                            vec(pki.root + ".pem"), "-servername", "localhost", "-sess_in", sess], b"y",
                           lambda p: p.has("Reused") or p.has("New,"))
    expect(status == 0 and c2.has("Reused, TLSv1.3"), "openssl s_client did not resume (%s)" % status, c2, srv)
    srv.wait()
    expect(srv.text().count("resumed: yes") == 1 and srv.text().count("resumed: no") == 1, "server summary", srv)


def s_gnutls_resume():
    port = free_port()
    srv = carapace_server(port, "--tickets", "1", conns=2)
    c, status = held_open(["gnutls-cli", "-p", str(port), "--x509cafile", vec(pki.root + ".pem"), "--priority",
                           GNUTLS_TLS13, "--resume", "localhost"], b"x\n",
                          lambda p: p.text().count("Handshake was completed") >= 2, timeout=20)
    expect(status == 0 and c.has("This is a resumed session"), "gnutls-cli did not resume (%s)" % status, c, srv)
    srv.wait()
    expect("resumed: yes" in srv.text(), "server summary", srv)


def c_ossl_psk():
    port = free_port()
    srv = start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1", "-nocert", "-psk",
                        PSK_HEX, "-psk_identity", PSK_ID], port)
    c, status = carapace_client(port, "--psk", PSK_HEX, "--psk-identity", PSK_ID, "--insecure", data=b"psk\n")
    s = c.summary()
    expect(status == 0 and s.get("psk") == "yes" and s.get("peer") == "none", "external PSK (%s)" % status, c, srv)
    expect(wait_until(lambda: srv.has("psk\n"), 5), "server did not get the data", srv, c)
    srv.stop()


def s_ossl_psk():
    for mode, extra in (("psk_dhe_ke", []), ("psk_ke", ["-allow_no_dhe_kex"])):
        port = free_port()
        srv = start_server([TOOL, "s_server", "--accept", str(port), "--num-conns", "1", "--psk", PSK_HEX,
                            "--psk-identity", PSK_ID, "--psk-mode", mode], port)
        c, status = openssl_client(port, "-psk", PSK_HEX, "-psk_identity", PSK_ID, *extra, data=b"from openssl\n")
        expect(status == 0, "openssl s_client -psk failed (%s)" % status, c, srv)
        expect(srv.wait() == 0 and srv.summary().get("psk") == "yes", "server summary (%s)" % mode, srv, c)
        if mode == "psk_ke":
            expect(srv.summary().get("group") == "none", "psk_ke used a group", srv)
        expect(srv.out() == b"from openssl\n", "server got %r" % srv.out(), srv, c)


def c_gnutls_psk():
    port = free_port()
    passwd = work("gnutls.psk")
    with open(passwd, "w") as f:
        f.write("%s:%s\n" % (PSK_ID, PSK_HEX))
    srv = gnutls_server(port, "--echo", "--pskpasswd", passwd, priority=GNUTLS_PSK)
    c, status = carapace_client(port, "--psk", PSK_HEX, "--psk-identity", PSK_ID, "--insecure", data=b"psk\n")
    s = c.summary()
    expect(status == 0 and s.get("psk") == "yes" and c.out() == b"psk\n", "external PSK (%s)" % status, c, srv)
    srv.stop()


def s_gnutls_psk():
    # With PSK as its only key exchange, gnutls-cli offers psk_ke alone.
    for mode, priority in (("psk_dhe_ke", GNUTLS_PSK), ("psk_ke", GNUTLS_TLS13 + ":-KX-ALL:+PSK")):
        port = free_port()
        srv = start_server([TOOL, "s_server", "--accept", str(port), "--num-conns", "1", "--psk", PSK_HEX,
                            "--psk-identity", PSK_ID, "--psk-mode", mode], port)
        c, status = run(["gnutls-cli", "-p", str(port), "--priority", priority, "--pskusername", PSK_ID, "--pskkey",
                         PSK_HEX, "localhost"], stdin_data=b"from gnutls\n")
        expect(status == 0, "gnutls-cli --pskkey failed (%s)" % status, c, srv)
        expect(srv.wait() == 0 and srv.summary().get("psk") == "yes", "server summary (%s)" % mode, srv, c)
        expect((srv.summary().get("group") == "none") == (mode == "psk_ke"), "group with %s" % mode, srv)
        expect(srv.out() == b"from gnutls\n", "server got %r" % srv.out(), srv, c)


psk_cases = [
    ("client/openssl: resumption (--sess-out, --sess-in)", c_ossl_resume),
    ("client/gnutls: resumption (--sess-out, --sess-in)", c_gnutls_resume),
    ("client/openssl: resumption with psk_ke (-allow_no_dhe_kex)", c_resume_psk_ke("openssl")),
    ("client/gnutls: resumption with psk_ke", c_resume_psk_ke("gnutls")),
    ("server/openssl: resumption (-sess_out, -sess_in)", s_ossl_resume),
    ("server/gnutls: resumption (--resume)", s_gnutls_resume),
    ("client/openssl: external PSK (-psk -nocert)", c_ossl_psk),
    ("server/openssl: external PSK, psk_dhe_ke and psk_ke", s_ossl_psk),
    ("client/gnutls: external PSK (--pskpasswd)", c_gnutls_psk),
    ("server/gnutls: external PSK (--pskusername --pskkey), psk_dhe_ke and psk_ke", s_gnutls_psk),
    ("client/openssl: 0-RTT (--early-data; -early_data -max_early_data)", c_ossl_early),
    ("client/gnutls: 0-RTT (--early-data; --earlydata --maxearlydata)", c_gnutls_early),
    ("server/openssl: 0-RTT (-sess_in -early_data)", s_ossl_early),
    ("server/gnutls: 0-RTT (--resume --earlydata)", s_gnutls_early),
]
