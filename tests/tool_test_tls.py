"""carapace-tool s_client and s_server: usage errors, echo over loopback with the test PKI, concurrent
connections, timeouts, the connection cap, optional client certificates, GET /keyupdate, the
escaping of what peers choose, resumption (ticket files, ticket-key rings), external PSKs, and
0-RTT (a replayed ClientHello too). Run by tool_test.py (interop with OpenSSL and GnuTLS is
tests/tls/interop.py)."""

import os
import socket
import subprocess
import tempfile
import time

from tool_common import TOOL, check, expect_usage_error, run


# s_client and s_server: the usage errors, then one echo over loopback with the test PKI (the
# interop with OpenSSL and GnuTLS is tests/tls/interop.py).
TLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "tls")
def tls_file(name):
    return os.path.join(TLS, name)
code, out, _ = run(["--help"])
check(all(c in out.decode() for c in ("s_client", "s_server", "--connect", "--accept", "--servername", "--insecure",
                                       "--alpn", "--groups", "--ciphersuites", "--key-update", "--echo", "--num-conns",
                                       "--verify-client")), "--help lists s_client and s_server")
server_args = ["s_server", "--accept", "1", "--cert", tls_file("server.pem"), "--key", tls_file("server.key")]
for args in (["s_client"], ["s_client", "--connect", "localhost"], ["s_client", "--connect", "localhost:0"],
             ["s_client", "--connect", "localhost:1", "--groups", "x25519:bogus"],
             ["s_client", "--connect", "localhost:1", "--groups", "secp521r1"],
             ["s_client", "--connect", "localhost:1", "--groups", "x25519:secp256r1:X25519"],
             ["s_client", "--connect", "localhost:1", "--groups", "x25519:"],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("ec/server_p256.pem"), "--key",
              tls_file("ec/server_p384.key")],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("ec/client_p256.pem"), "--key",
              tls_file("ec/client_p256.pem")],
             ["s_client", "--connect", "localhost:1", "--ciphersuites", "TLS_AES_256_CCM_SHA256"],
             ["s_client", "--connect", "localhost:1", "--ciphersuites", "TLS_AES_128_CCM_8_SHA256:"],
             ["s_client", "--connect", "localhost:1", "--CAfile", tls_file("missing.pem")],
             ["s_client", "--connect", "localhost:1", "--insecure", "--CAfile", tls_file("root.pem")],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("client.pem")],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("client.pem"), "--key", tls_file("server.key")],
             ["s_server", "--cert", tls_file("server.pem"), "--key", tls_file("server.key")],
             server_args[:5] + ["--key", tls_file("missing.key")],
             server_args + ["--verify-client"], server_args + ["--num-conns", "0"],
             server_args + ["--groups", "SecP384r1MLKEM1024"], server_args + ["--alpn", ""],
             server_args + ["--verify-client", "optional"], server_args + ["--verify-client=sometimes"],
             server_args + ["--verify-client=", "--CAfile", tls_file("root.pem")],
             server_args + ["--max-conns", "0"], server_args + ["--max-conns", "1001"], server_args + ["--max-conns", "x"],
             server_args + ["--timeout", "-1"], server_args + ["--timeout", "86401"], server_args + ["--timeout", "1s"],
             ["s_client", "--connect", "localhost:1", "--CAfile", "/dev/zero"],
             server_args[:5] + ["--key", "/dev/zero"]):
    expect_usage_error(args)
code, out, _ = run(["--help"])
check(all(c in out.decode() for c in ("--max-conns", "--timeout", "--verify-client [optional|required]", "GET /keyupdate")),
      "--help lists the s_server options")

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
def summary(err):
    return dict(line.split(": ", 1) for line in err.decode(errors="replace").splitlines() if ": " in line)
port = free_port()
server = subprocess.Popen([TOOL, "s_server", "--accept", f"127.0.0.1:{port}", "--cert", tls_file("server.pem"),
                           "--key", tls_file("server.key"), "--echo", "--num-conns", "2", "--alpn", "x,echo"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(f":{port:04X} 00000000:0000 0A" in open(t).read() for t in ("/proc/net/tcp",)):
            break
        time.sleep(0.05)
    message = os.urandom(100000)
    code, out, err = run(["s_client", "--connect", f"localhost:{port}", "--CAfile", tls_file("root.pem"),
                          "--alpn", "echo", "--key-update"], message)
    fields = summary(err)
    check(code == 0 and out == message, f"s_client echo over loopback: exit {code}, {len(out)} bytes back, {err!r}")
    check(fields.get("protocol") == "TLSv1.3" and fields.get("cipher") == "TLS_AES_128_GCM_SHA256" and
          fields.get("group") == "X25519MLKEM768" and fields.get("hrr") == "no" and fields.get("alpn") == "echo" and
          fields.get("peer") == "CN = localhost" and fields.get("verify") == "ok", f"s_client summary {fields}")
    code, out, err = run(["s_client", "--connect", f"127.0.0.1:{port}", "--CAfile", tls_file("other_root.pem")])
    fields = summary(err)
    check(code == 1 and fields.get("alert") == "unknown_ca" and fields.get("verify") == "unknown issuer",
          f"s_client with the wrong root: exit {code}, {fields}")
    _, server_err = server.communicate(timeout=30)
    fields = summary(server_err)
    check(server.returncode == 1 and "sni: localhost" in server_err.decode() and fields.get("alert") == "unknown_ca",
          f"s_server: exit {server.returncode}, {server_err!r}")
finally:
    if server.poll() is None:
        server.kill()
        server.wait()


# s_server serves connections at once, each with its own engine; --timeout, --max-conns,
# --verify-client optional, the GET /keyupdate answer, and escaping of what peers choose.
import ssl
SCRATCH = tempfile.mkdtemp(prefix="carapace-tool-test-")


def wait_listening(port, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if f":{port:04X} 00000000:0000 0A" in open("/proc/net/tcp").read():
            return True
        time.sleep(0.02)
    return False


class Server:
    """carapace-tool s_server on a free loopback port, stdout and stderr in files."""
    count = 0

    def __init__(self, extra, cert="server"):
        Server.count += 1
        self.port = free_port()
        self.out_path = os.path.join(SCRATCH, f"server{Server.count}.out")
        self.err_path = os.path.join(SCRATCH, f"server{Server.count}.err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            identity = [] if cert is None else [
                "--cert", tls_file(cert + ".pem") if cert == "server" else cert + ".pem",
                "--key", tls_file(cert + ".key") if cert == "server" else cert + ".key"]
            self.p = subprocess.Popen([TOOL, "s_server", "--accept", f"127.0.0.1:{self.port}"] + identity + extra,
                                      stdout=out, stderr=err)
        check(wait_listening(self.port, self.p), f"s_server {extra} listens")

    def err(self):
        return open(self.err_path, "rb").read()

    def out(self):
        return open(self.out_path, "rb").read()

    def wait_for(self, text, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.err():
                return True
            time.sleep(0.02)
        return False

    def wait(self, timeout=30):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def tls_context(cert=None):
    ctx = ssl.create_default_context(cafile=tls_file("root.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if cert:
        ctx.load_cert_chain(tls_file(cert + ".pem"), tls_file(cert + ".key"))
    return ctx


def tls_connect(port, ctx=None):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return (ctx or tls_context()).wrap_socket(raw, server_hostname="localhost")


def read_until(sock, marker):
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def closed_by_peer(sock):
    """True when the next read sees the end of the connection (close_notify, EOF or reset)."""
    try:
        return sock.recv(1) == b""
    except (ssl.SSLZeroReturnError, ConnectionResetError, ssl.SSLEOFError):
        return True
    except (socket.timeout, ssl.SSLError):
        return False


def s_client(port, data, *extra):
    return run(["s_client", "--connect", f"localhost:{port}", "--CAfile", tls_file("root.pem")] + list(extra), data)


# The AES-CCM suites by OpenSSL's names (TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256): off by
# default in both roles, used when --ciphersuites names them on both sides.
for suite in ("TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"):
    srv = Server(["--echo", "--num-conns", "1", "--ciphersuites", "TLS_AES_128_GCM_SHA256:" + suite])
    try:
        code, out, err = s_client(srv.port, b"ccm\n", "--ciphersuites", suite)
        fields = summary(err)
        check(code == 0 and out == b"ccm\n" and fields.get("cipher") == suite,
              f"--ciphersuites {suite} both sides: exit {code}, {out!r}, {fields}")
    finally:
        srv.stop()
srv = Server(["--num-conns", "1"])
try:
    code, out, err = s_client(srv.port, b"", "--ciphersuites", "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256")
    check(code == 1 and summary(err).get("alert") == "handshake_failure",
          f"a default s_server refuses a CCM-only s_client: exit {code}, {err!r}")
finally:
    srv.stop()

# Two clients at once: one finishes its handshake and then says nothing; the other is served
# meanwhile, and the first is still served afterwards.
srv = Server(["--echo", "--num-conns", "2"])
try:
    idle = tls_connect(srv.port)
    started = time.monotonic()
    code, out, err = s_client(srv.port, b"while another waits\n", "--quiet")
    check(code == 0 and out == b"while another waits\n" and time.monotonic() - started < 10,
          f"s_server serves a second client while the first is idle: exit {code}, {out!r}, {err!r}")
    idle.sendall(b"late but served\n")
    check(read_until(idle, b"\n") == b"late but served\n", "s_server still serves the idle client")
    idle.unwrap()
    idle.close()
    check(srv.wait() == 0 and srv.err().count(b"connection: ") == 2, f"s_server after two clients: {srv.err()!r}")
finally:
    srv.stop()

# ECDSA certificates (tests/vectors/tls/ec: P-256 and P-384 keys, PKCS#8 and EC PRIVATE KEY
# files) on both sides, and the groups: each alone, several shares (*NAME), the server's
# preference, and a HelloRetryRequest when the client's share is of a group the server lacks;
# the ML-KEM groups (draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem) the same ways.
ec_cases = [  # server cert, server --groups, client cert, client --groups, group, hrr
    ("server_p256", None, "client_p384", "X25519MLKEM768:x25519", "X25519MLKEM768", "no"),
    ("server_p384", "x25519", "client_p256", "X25519MLKEM768:x25519", "x25519", "no"),
    ("server_p256", None, "client_p256", "x25519:X25519MLKEM768", "x25519", "no"),
    ("server_p384", "X25519MLKEM768", "client_p384", "*x25519:X25519MLKEM768", "X25519MLKEM768", "yes"),
    ("server_p256", "SecP256r1MLKEM768:x25519", "client_p384", "SecP256r1MLKEM768", "SecP256r1MLKEM768", "no"),
    ("server_p384", "MLKEM768", "client_p256", "x25519:MLKEM768", "MLKEM768", "yes"),
    ("server_p256", None, "client_p384", "secp256r1", "secp256r1", "no"),
    ("server_p384", None, "client_p256", "secp384r1", "secp384r1", "no"),
    ("server_p384", "secp256r1:x25519", "client_p384", "*x25519:*secp256r1", "secp256r1", "no"),
    ("server_p256", None, "client_p256", "*secp384r1:*x25519", "x25519", "no"),
    ("server_p256", "secp384r1", "client_p384", "x25519:secp384r1", "secp384r1", "yes"),
    ("server_p384", "secp256r1", "client_p256", "secp384r1:secp256r1", "secp256r1", "yes"),
]
for server_cert, server_groups, client_cert, client_groups, group, hrr in ec_cases:
    srv = Server(["--echo", "--num-conns", "1", "--CAfile", tls_file("ec/root.pem"), "--verify-client"] +
                 (["--groups", server_groups] if server_groups else []), cert=tls_file("ec/" + server_cert))
    try:
        code, out, err = run(["s_client", "--connect", f"localhost:{srv.port}", "--CAfile", tls_file("ec/root.pem"),
                              "--cert", tls_file(f"ec/{client_cert}.pem"), "--key", tls_file(f"ec/{client_cert}.key"),
                              "--groups", client_groups], b"ecdsa echo\n")
        fields = summary(err)
        check(code == 0 and out == b"ecdsa echo\n" and fields.get("group") == group and fields.get("hrr") == hrr and
              fields.get("verify") == "ok", f"s_client {client_cert} {client_groups} to {server_cert}: exit {code}, {err!r}")
        srv.wait()
        server_fields = summary(srv.err())
        check(srv.p.returncode == 0 and server_fields.get("group") == group and server_fields.get("hrr") == hrr and
              server_fields.get("verify") == "ok" and "ECDSA test client" in server_fields.get("peer", ""),
              f"s_server {server_cert} {server_groups}: {srv.err()!r}")
    finally:
        srv.stop()
# A P-384 server certificate its client cannot verify (the Ed25519 root): unknown_ca, as before.
srv = Server(["--num-conns", "1"], cert=tls_file("ec/server_p384"))
try:
    code, _, err = s_client(srv.port, b"x")
    check(code == 1 and summary(err).get("alert") == "unknown_ca", f"ECDSA chain against the Ed25519 root: {err!r}")
    srv.wait()
finally:
    srv.stop()

# RSA certificates (tests/vectors/tls/rsa: PKCS#8 server keys, PKCS#1 "RSA PRIVATE KEY" client
# keys) on both sides, RSA-2048 and RSA-3072; a client key that is not its certificate's; a
# chain from the other root.
for bits in ("2048", "3072"):
    srv = Server(["--echo", "--num-conns", "1", "--CAfile", tls_file(f"rsa/root_{bits}.pem"), "--verify-client"],
                 cert=tls_file(f"rsa/server_{bits}"))
    try:
        code, out, err = run(["s_client", "--connect", f"localhost:{srv.port}", "--CAfile", tls_file(f"rsa/root_{bits}.pem"),
                              "--cert", tls_file(f"rsa/client_{bits}.pem"), "--key", tls_file(f"rsa/client_{bits}.key")],
                             b"rsa echo\n")
        check(code == 0 and out == b"rsa echo\n" and summary(err).get("verify") == "ok",
              f"s_client RSA-{bits} with a client certificate: exit {code}, {err!r}")
        srv.wait()
        server_fields = summary(srv.err())
        check(srv.p.returncode == 0 and server_fields.get("verify") == "ok" and
              f"RSA-{bits} test client" in server_fields.get("peer", ""), f"s_server RSA-{bits}: {srv.err()!r}")
    finally:
        srv.stop()
expect_usage_error(["s_client", "--connect", "localhost:1", "--cert", tls_file("rsa/client_2048.pem"), "--key",
                    tls_file("rsa/client_3072.key")])
expect_usage_error(["s_server", "--accept", "1", "--cert", tls_file("rsa/server_2048.pem"), "--key",
                    tls_file("rsa/server_3072.key")])
srv = Server(["--num-conns", "1"], cert=tls_file("rsa/server_3072"))
try:
    code, _, err = run(["s_client", "--connect", f"localhost:{srv.port}", "--CAfile", tls_file("rsa/root_2048.pem")],
                       b"x")
    check(code == 1 and summary(err).get("alert") == "unknown_ca", f"RSA-3072 chain against the RSA-2048 root: {err!r}")
    srv.wait()
finally:
    srv.stop()

# --timeout: a client that never completes its handshake, and one idle after it, are closed.
srv = Server(["--timeout", "1", "--num-conns", "2"])
try:
    started = time.monotonic()
    silent = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    idle = tls_connect(srv.port)
    status = srv.wait()
    elapsed = time.monotonic() - started
    err = srv.err()
    check(status == 1 and b"error: handshake not complete after 1 seconds" in err and
          b"error: idle for 1 seconds" in err, f"s_server --timeout 1: exit {status}, {err!r}")
    check(0.9 < elapsed < 10, f"s_server --timeout 1 took {elapsed:.1f}s")
    check(closed_by_peer(silent), "the silent client was closed")
    check(closed_by_peer(idle), "the idle client got close_notify")
    silent.close()
    idle.close()
finally:
    srv.stop()

# --max-conns: past the cap a connection is accepted and closed at once, and does not count for
# --num-conns.
srv = Server(["--echo", "--max-conns", "1", "--num-conns", "2"])
try:
    first = tls_connect(srv.port)
    extra = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    check(closed_by_peer(extra), "a connection past --max-conns is closed")
    extra.close()
    check(srv.wait_for(b"refused: 127.0.0.1:") and b"(1 connections open)" in srv.err(),
          f"s_server says it refused: {srv.err()!r}")
    first.sendall(b"first\n")
    check(read_until(first, b"\n") == b"first\n", "the first client is served")
    first.unwrap()
    first.close()
    # The server frees the first slot once its close_notify is out: a client a moment later is served.
    for attempt in range(20):
        code, out, _ = s_client(srv.port, b"next\n", "--quiet")
        if code == 0:
            break
        time.sleep(0.1)
    check(code == 0 and out == b"next\n", f"a client after the first closed is served: exit {code}")
    check(srv.wait() == 0 and srv.err().count(b"connection: ") == 2, f"s_server --max-conns 1: {srv.err()!r}")
finally:
    srv.stop()

# --verify-client optional: a certificate is asked for; a client without one is accepted, one with
# one is verified. --verify-client required is the bare flag.
srv = Server(["--echo", "--verify-client=optional", "--CAfile", tls_file("root.pem"), "--num-conns", "2"])
try:
    code, out, _ = s_client(srv.port, b"anonymous\n")
    check(code == 0 and out == b"anonymous\n", f"optional client auth, no certificate: exit {code}")
    check(srv.wait_for(b"verify: none") and b"peer: none" in srv.err(), f"server summary: {srv.err()!r}")
    code, out, _ = s_client(srv.port, b"known\n", "--cert", tls_file("client.pem"), "--key", tls_file("client.key"))
    check(code == 0 and out == b"known\n", f"optional client auth, with a certificate: exit {code}")
    status = srv.wait()
    fields = summary(srv.err())
    check(status == 0 and fields.get("peer") == "CN = carapace test client" and fields.get("verify") == "ok",
          f"optional client auth: exit {status}, {fields}")
finally:
    srv.stop()
srv = Server(["--verify-client", "required", "--CAfile", tls_file("root.pem"), "--num-conns", "1"])
try:
    code, _, err = s_client(srv.port, b"x")
    check(code == 1 and summary(err).get("alert") == "certificate_required", f"required, no certificate: {err!r}")
    check(srv.wait() == 1 and summary(srv.err()).get("alert") == "certificate_required", f"server: {srv.err()!r}")
finally:
    srv.stop()

# GET /keyupdate: a KeyUpdate(update_requested), then an HTTP/1.0 200 response (tlsfuzzer's
# keyupdate-from-server). The client's record trace (OpenSSL's message callback) shows the order.
for echo in (False, True):
    srv = Server(["--num-conns", "1"] + (["--echo"] if echo else []))
    try:
        ctx = tls_context()
        trace = []
        ctx._msg_callback = lambda conn, direction, version, content_type, msg_type, data: trace.append(
            (direction, int(content_type), int(msg_type)))
        c = tls_connect(srv.port, ctx)
        trace.clear()
        c.sendall(b"GET /keyupdate HTTP/1.0\r\n\r\n")
        response = read_until(c, b"keys updated")
        check(response.startswith(b"HTTP/1.0 200 OK\r\n") and response.endswith(b"\r\n\r\nkeys updated"),
              f"GET /keyupdate response (echo {echo}): {response!r}")
        reads = [(t, m) for d, t, m in trace if d == "read"]
        key_update = (22, 24) in reads and reads.index((22, 24))
        check(key_update is not False and any(t == 257 and m == 23 for t, m in reads[key_update:]),
              f"KeyUpdate before the response (echo {echo}): {reads}")
        c.sendall(b"after\n")  # OpenSSL sends its own KeyUpdate when it next writes
        if echo:
            check(read_until(c, b"after\n") == b"after\n", "echo after GET /keyupdate")
        c.unwrap()
        c.close()
        status = srv.wait()
        err = srv.err()
        check(status == 0 and b"key_update: sent" in err and b"key_update: received" in err,
              f"s_server after GET /keyupdate (echo {echo}): exit {status}, {err!r}")
        if not echo:
            check(srv.out() == b"GET /keyupdate HTTP/1.0\r\n\r\nafter\n", f"stdout: {srv.out()!r}")
    finally:
        srv.stop()

# What a peer chooses is escaped before it reaches a terminal: a certificate whose subject and SAN
# carry an escape sequence and a newline, and an SNI with one.
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
import datetime
evil_key = Ed25519PrivateKey.generate()
evil_name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "evil\x1b[31mred\nline")])
now_utc = datetime.datetime.now(datetime.timezone.utc)
evil_cert = (cx509.CertificateBuilder().subject_name(evil_name).issuer_name(evil_name)
             .public_key(evil_key.public_key()).serial_number(7)
             .not_valid_before(now_utc - datetime.timedelta(days=1)).not_valid_after(now_utc + datetime.timedelta(days=1))
             .add_extension(cx509.SubjectAlternativeName([cx509.DNSName("esc\x1b]0;title\x07.example")]), critical=False)
             .sign(evil_key, None))
evil = os.path.join(SCRATCH, "evil")
open(evil + ".pem", "wb").write(evil_cert.public_bytes(serialization.Encoding.PEM))
open(evil + ".key", "wb").write(evil_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
code, out, err = run(["x509", evil + ".pem"])
lines = out.splitlines()
check(code == 0 and b"\x1b" not in out and b"\x07" not in out and len(lines) == 15 and
      lines[0] == b"subject: CN = evil\\x1b[31mred\\x0aline" and b"DNS:esc\\x1b]0;title\\x07.example" in lines[6],
      f"x509 escapes the subject and SAN: {out!r}")
srv = Server(["--num-conns", "1"], cert=evil)
try:
    code, _, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--insecure", "--servername",
                        "sni\x1b[2J.example"], b"x")
    check(code == 0 and b"\x1b" not in err and b"peer: CN = evil\\x1b[31mred\\x0aline\n" in err,
          f"s_client escapes the peer's subject: {err!r}")
    check(srv.wait() == 0 and b"\x1b" not in srv.err() and b"sni: sni\\x1b[2J.example\n" in srv.err(),
          f"s_server escapes the SNI: {srv.err()!r}")
finally:
    srv.stop()
# Not UTF-8, and C1 controls in UTF-8: escaped byte by byte; other UTF-8 stays.
code, _, err = run(["hash", "sha256", "extra\x1b[0m\u0085\u00e9"])
check(code == 2 and b"extra\\x1b[0m\\xc2\\x85\xc3\xa9" in err, f"usage messages escape their arguments: {err!r}")


# Resumption and external PSKs: --sess-out/--sess-in, --tickets, --ticket-key-file, --psk.
def scratch(name, content):
    path = os.path.join(SCRATCH, name)
    with open(path, "w" if isinstance(content, str) else "wb") as f:
        f.write(content)
    return path
key_file = scratch("ticket.keys", "# newest first\n7 " + "11" * 32 + "\n")
rotated_key_file = scratch("ticket-rotated.keys", "8 " + "22" * 32 + "\n\n7 " + "11" * 32 + "\n")
other_key_file = scratch("ticket-other.keys", "9 " + "44" * 32 + "\n")
sess = os.path.join(SCRATCH, "session.ticket")
psk_hex = "00112233445566778899aabbccddeeff" * 2
for args, wanted in (
        (server_args + ["--tickets", "17"], "--tickets"), (server_args + ["--tickets", "x"], "--tickets"),
        (server_args + ["--ticket-key-file", scratch("keys-empty", "# nothing\n")], "no key"),
        (server_args + ["--ticket-key-file", scratch("keys-short", "1 " + "11" * 31 + "\n")], "64 hex digits"),
        (server_args + ["--ticket-key-file", scratch("keys-dup", "1 " + "11" * 32 + "\n1 " + "22" * 32 + "\n")], "twice"),
        (server_args + ["--ticket-key-file", scratch("keys-id", "4294967296 " + "11" * 32 + "\n")], "key id"),
        (server_args + ["--ticket-key-file", scratch("keys-many", "".join(f"{i} {'33' * 32}\n" for i in range(17)))],
         "more than 16"),
        (server_args + ["--ticket-key-file", os.path.join(SCRATCH, "missing.keys")], "cannot read"),
        (server_args + ["--psk", psk_hex], "go together"), (server_args + ["--psk-identity", "x"], "go together"),
        (server_args + ["--psk", "xyz", "--psk-identity", "x"], "--psk takes"),
        (server_args + ["--psk", psk_hex, "--psk-identity", ""], "--psk-identity takes"),
        (server_args + ["--psk-mode", "dhe"], "--psk-mode"),
        (["s_server", "--accept", "1"], "--psk"),
        (["s_client", "--connect", "localhost:1", "--sess-out", ""], "--sess-out"),
        (["s_client", "--connect", "localhost:1", "--sess-in", os.path.join(SCRATCH, "missing.ticket")], "cannot read")):
    expect_usage_error(args, names=wanted)
code, out, _ = run(["--help"])
check(all(c in out.decode() for c in ("--sess-out", "--sess-in", "--tickets N", "--ticket-key-file", "--psk HEX",
                                       "--psk-identity ID", "--psk-mode", "early_data: accepted|rejected|")),
      "--help lists the resumption and PSK options")

# Tool to tool: a full handshake writes the ticket, the next connection resumes with it (once:
# the file is rewritten with the new ticket), in both PSK modes; a rotated key ring still opens
# the old ticket, a ring without its key does not (a full handshake instead).
def resume_round(server_extra, client_extra, want_resumed, what, want_written="written"):
    srv = Server(["--echo", "--num-conns", "1"] + server_extra)
    try:
        code, out, err = s_client(srv.port, b"resume me\n", "--sess-in", sess, "--sess-out", sess, *client_extra)
        fields = summary(err)
        check(code == 0 and out == b"resume me\n" and fields.get("resumed") == want_resumed and
              fields.get("sess_out") == want_written and fields.get("early_data") == "not_offered",
              f"{what}: exit {code}, {fields}")
        check(srv.wait() == 0 and f"resumed: {want_resumed}\n".encode() in srv.err(), f"{what}: s_server {srv.err()!r}")
        return fields
    finally:
        srv.stop()
srv = Server(["--echo", "--num-conns", "1", "--ticket-key-file", key_file])
try:
    code, out, err = s_client(srv.port, b"first\n", "--sess-out", sess, "--alpn", "echo")
    fields = summary(err)
    check(code == 0 and fields.get("resumed") == "no" and fields.get("sess_out") == "written" and
          fields.get("psk") == "no" and os.path.exists(sess), f"full handshake writes the ticket: {fields}")
    check(os.stat(sess).st_mode & 0o777 == 0o600, "the ticket file is mode 0600")
    check(srv.wait() == 0 and b"resumed: no\n" in srv.err(), f"s_server full handshake: {srv.err()!r}")
finally:
    srv.stop()
first_ticket = open(sess).read()
check(first_ticket.startswith("carapace-session-ticket 1\nserver_name localhost\nalpn -\n"),
      f"the ticket file's format: {first_ticket[:80]!r}")
fields = resume_round(["--ticket-key-file", key_file], [], "yes", "resumption with psk_dhe_ke")
check(fields.get("group") == "X25519MLKEM768" and fields.get("peer") == "none", f"psk_dhe_ke keeps (EC)DHE: {fields}")
check(open(sess).read() != first_ticket, "the resumed connection's new ticket replaces the old one")
fields = resume_round(["--ticket-key-file", key_file, "--psk-mode", "psk_ke"], ["--psk-mode", "psk_ke"], "yes",
                      "resumption with psk_ke")
check(fields.get("group") == "none", f"psk_ke has no (EC)DHE group: {fields}")
resume_round(["--ticket-key-file", rotated_key_file], [], "yes", "resumption across a key rotation")
resume_round(["--ticket-key-file", other_key_file], [], "no", "a ring without the ticket's key: full handshake")
resume_round(["--ticket-key-file", other_key_file, "--tickets", "0"], [], "yes", "--tickets 0 still opens tickets",
             "no ticket received")
# The file still holds that ticket (none came to replace it): a server with a random key of its
# own cannot open it.
srv = Server(["--echo", "--num-conns", "1", "--tickets", "2"])
try:
    code, _, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--CAfile", tls_file("root.pem"),
                        "--servername", "localhost", "--sess-in", sess], b"x")
    check(code == 0 and b"resumed: no\n" in err, f"a ticket from another key ring: full handshake {err!r}")
finally:
    srv.stop()

# Hostile ticket files: clear usage errors, never a crash.
good = open(sess).read()
lines = good.splitlines(keepends=True)
def bad_ticket(name, text, wanted):
    path = scratch(name, text)
    expect_usage_error(["s_client", "--connect", "localhost:1", "--sess-in", path])
    _, _, err = run(["s_client", "--connect", "localhost:1", "--sess-in", path])
    check(wanted.encode() in err, f"ticket file {name}: {err!r}")
bad_ticket("empty", "", "not a ticket file")
bad_ticket("version", good.replace("ticket 1\n", "ticket 2\n", 1), "not a ticket file")
bad_ticket("truncated", "".join(lines[:5]), "line 6: missing")
bad_ticket("no-newline", good[:-1], "line 10: missing")
bad_ticket("trailing", good + "extra\n", "unexpected text")
bad_ticket("order", "".join(lines[:2] + [lines[3], lines[2]] + lines[4:]), "line 3: expected \"alpn")
bad_ticket("psk-size", good.replace(lines[8], "psk " + "00" * 31 + "\n"), "psk takes 32 bytes")
bad_ticket("suite", good.replace(lines[3], "suite TLS_AES_256_CCM_SHA256\n"), "unknown cipher suite")
bad_ticket("lifetime", good.replace(lines[5], "lifetime 604801\n"), "lifetime")
bad_ticket("name", good.replace(lines[1], "server_name a b\n"), "server_name")
bad_ticket("ticket-size", good.replace(lines[9], "ticket " + "ab" * 513 + "\n"), "ticket takes")
bad_ticket("binary", bytes(range(256)) * 4, "not a ticket file")
bad_ticket("huge", "x" * 5000, "larger than")
# Random damage to a good file (bytes changed, cut out, put in): a usage error naming the problem,
# or, when the file still parses, a failed connection to a closed port; never a crash.
import random
rng = random.Random(18)
outcomes = set()
for i in range(150):
    damaged = bytearray(good.encode())
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(damaged))
        kind = rng.randrange(3)
        if kind == 0:
            damaged[at] = rng.randrange(256)
        elif kind == 1:
            del damaged[at:at + rng.randint(1, 16)]
        else:
            damaged[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    code, out, err = run(["s_client", "--connect", "127.0.0.1:1", "--sess-in", scratch("damaged", bytes(damaged))])
    outcomes.add(code)
    if code not in (1, 2) or out != b"" or (code == 2 and not err.startswith(b"carapace-tool: s_client: ")):
        check(False, f"damaged ticket file {i}: exit {code}, {err!r}")
        break
check(outcomes <= {1, 2} and 2 in outcomes, f"damaged ticket files: exit statuses {outcomes}")
expired = good.replace(lines[4], "received_at 1000\n")
srv = Server(["--echo", "--num-conns", "2", "--ticket-key-file", key_file])
try:
    code, _, err = s_client(srv.port, b"x", "--sess-in", scratch("expired", expired))
    check(code == 0 and b"resumed: no\n" in err and b"sess_in: not offered (expired)\n" in err,
          f"an expired ticket is not offered: {err!r}")
    code, _, err = s_client(srv.port, b"x", "--sess-in", scratch("future", good.replace(lines[4], "received_at 4000000000\n")))
    check(code == 0 and b"resumed: no\n" in err and b"sess_in: not offered (received later than now" in err,
          f"a ticket from the future is not offered: {err!r}")
finally:
    srv.stop()

# External PSKs, tool to tool: PSK-only server (no certificate), both modes; a wrong key fails.
for mode, group in (("psk_dhe_ke", "X25519MLKEM768"), ("psk_ke", "none")):
    srv = Server(["--echo", "--num-conns", "1", "--psk-mode", mode, "--psk", psk_hex, "--psk-identity", "device-7"],
                 cert=None)
    try:
        code, out, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--psk", psk_hex, "--psk-identity",
                              "device-7", "--psk-mode", mode], b"psk data\n")
        fields = summary(err)
        check(code == 0 and out == b"psk data\n" and fields.get("psk") == "yes" and fields.get("resumed") == "no" and
              fields.get("group") == group and fields.get("peer") == "none", f"external PSK {mode}: exit {code}, {fields}")
        check(srv.wait() == 0 and b"psk: yes\n" in srv.err(), f"s_server external PSK {mode}: {srv.err()!r}")
    finally:
        srv.stop()
srv = Server(["--num-conns", "1", "--psk", psk_hex, "--psk-identity", "device-7"], cert=None)
try:
    code, _, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--psk", "ff" * 32, "--psk-identity",
                        "device-7"], b"x")
    fields = summary(err)
    check(code == 1 and fields.get("alert") == "decrypt_error", f"a wrong PSK fails (bad binder): exit {code}, {fields}")
    check(srv.wait() == 1, "s_server reports the failed PSK handshake")
finally:
    srv.stop()
srv = Server(["--num-conns", "1", "--psk", psk_hex, "--psk-identity", "device-7"], cert=None)
try:
    code, _, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--psk", psk_hex, "--psk-identity",
                        "device-8"], b"x")
    check(code == 1 and b"alert: " in err, f"an unknown identity fails on a PSK-only server: exit {code}, {err!r}")
    srv.wait()
finally:
    srv.stop()

# 0-RTT, tool to tool: s_client --early-data FILE with a ticket from an s_server --early-data.
early_text = b"GET / HTTP/1.0\r\nX-Early: yes\r\n\r\n"
early_file = scratch("early.txt", early_text)
early_sess = os.path.join(SCRATCH, "early.ticket")
for args, wanted in (
        (["s_client", "--connect", "localhost:1", "--early-data", os.path.join(SCRATCH, "missing.txt")], "cannot read"),
        (["s_client", "--connect", "localhost:1", "--early-data", scratch("early-empty", b"")], "is empty"),
        (["s_client", "--connect", "localhost:1", "--early-data", scratch("early-huge", b"x" * ((1 << 20) + 1))],
         "larger than"),
        (["s_client", "--connect", "localhost:1", "--early-data", SCRATCH], "cannot read"),
        (server_args + ["--max-early-data", "100"], "needs --early-data"),
        (server_args + ["--early-data", "--max-early-data", "0"], "--max-early-data takes"),
        (server_args + ["--early-data", "--max-early-data", "16385"], "--max-early-data takes"),
        (server_args + ["--early-data", "--max-early-data", "x"], "--max-early-data takes")):
    expect_usage_error(args, names=wanted)
code, out, _ = run(["--help"])
check(all(c in out.decode() for c in ("--early-data FILE", "--early-data [--max-early-data N]", "sent again after")),
      "--help lists the 0-RTT options")

def ticket_from(server_extra, path=early_sess):
    """A full handshake with a server of these options; its ticket in `path`."""
    srv = Server(["--num-conns", "1", "--ticket-key-file", key_file] + server_extra)
    try:
        code, _, err = s_client(srv.port, b"ticket\n", "--sess-out", path)
        check(code == 0 and b"sess_out: written\n" in err and srv.wait() == 0, f"a ticket from {server_extra}: {err!r}")
    finally:
        srv.stop()
    return open(path).read()

def early_round(server_extra, client_extra, want, what, data=b"after the handshake\n", early=early_text,
                path=early_file):
    """One connection with --early-data; the server's stdout (or the echo) must hold all of it, once."""
    srv = Server(["--num-conns", "1", "--ticket-key-file", key_file] + server_extra)
    try:
        code, out, err = s_client(srv.port, data, "--early-data", path, *client_extra)
        fields = summary(err)
        echo = "--echo" in server_extra
        check(code == 0 and fields.get("early_data") == want, f"{what}: exit {code}, {fields}")
        check(srv.wait() == 0 and f"early_data: {want}\n".encode() in srv.err(), f"{what}: s_server {srv.err()!r}")
        check((out if echo else srv.out()) == early + data,
              f"{what}: the early data, then the rest, arrive once: {(out if echo else srv.out())[:120]!r}")
        return fields, srv.err()
    finally:
        srv.stop()

check("max_early_data 16384\n" in ticket_from(["--early-data"]), "an --early-data server's ticket allows 16384 bytes")
fields, _ = early_round(["--early-data"], ["--sess-in", early_sess], "accepted", "0-RTT accepted")
check(fields.get("resumed") == "yes", f"0-RTT is a resumption: {fields}")
ticket_from(["--early-data"])
early_round(["--early-data", "--echo"], ["--sess-in", early_sess], "accepted", "0-RTT accepted, echoed")
# Beyond the ticket's limit, the rest of FILE follows the handshake.
check("max_early_data 16\n" in ticket_from(["--early-data", "--max-early-data", "16"]), "--max-early-data 16 ticket")
early_round(["--early-data", "--max-early-data", "16"], ["--sess-in", early_sess], "accepted",
            "0-RTT past the ticket's limit")
# A server without --early-data declines; FILE is sent again after the handshake.
ticket_from(["--early-data"])
fields, _ = early_round([], ["--sess-in", early_sess], "rejected", "0-RTT declined by a server without --early-data")
check(fields.get("resumed") == "yes", f"declined 0-RTT still resumes: {fields}")
# Nothing offered: no ticket, a ticket that allows no early data, an external PSK.
early_round(["--early-data"], [], "not_offered", "--early-data without a ticket")
check("max_early_data 0\n" in ticket_from([]), "a server without --early-data issues tickets without early data")
early_round(["--early-data"], ["--sess-in", early_sess], "not_offered", "a ticket that allows no early data")
srv = Server(["--num-conns", "1", "--early-data", "--psk", psk_hex, "--psk-identity", "device-7"], cert=None)
try:
    code, out, err = run(["s_client", "--connect", f"127.0.0.1:{srv.port}", "--psk", psk_hex, "--psk-identity",
                          "device-7", "--early-data", early_file], b"x")
    fields = summary(err)
    check(code == 0 and fields.get("early_data") == "not_offered" and fields.get("psk") == "yes",
          f"no 0-RTT with an external PSK: exit {code}, {fields}")
    check(srv.wait() == 0 and srv.out() == early_text + b"x", f"external PSK: FILE after the handshake {srv.out()!r}")
finally:
    srv.stop()

# A replayed 0-RTT ClientHello: everything the client sent, recorded by a relay, sent again on a
# new connection. The server has seen that hello: it declines the early data, which reaches
# stdout once (without the replay window it would be written twice before the replay fails).
import threading
def relay_once(server_port):
    """Listens on a free port, relays one connection to server_port; returns (port, thread, recorded)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    recorded = bytearray()
    def pump(src, dst, record):
        while chunk := src.recv(65536):
            if record is not None:
                record += chunk
            dst.sendall(chunk)
        dst.shutdown(socket.SHUT_WR)
    def serve():
        with listener:
            client, _ = listener.accept()
        with client, socket.create_connection(("127.0.0.1", server_port)) as upstream:
            back = threading.Thread(target=pump, args=(upstream, client, None))
            back.start()
            pump(client, upstream, recorded)
            back.join(30)
    t = threading.Thread(target=serve)
    t.start()
    return listener.getsockname()[1], t, recorded
ticket_from(["--early-data"])
srv = Server(["--num-conns", "2", "--ticket-key-file", key_file, "--early-data"])
try:
    port, relay, recorded = relay_once(srv.port)
    code, _, err = run(["s_client", "--connect", f"127.0.0.1:{port}", "--servername", "localhost", "--CAfile",
                        tls_file("root.pem"), "--sess-in", early_sess, "--early-data", early_file], b"")
    relay.join(30)
    check(code == 0 and b"early_data: accepted\n" in err, f"0-RTT through the relay: exit {code}, {err!r}")
    check(srv.wait_for(b"early_data: accepted\n") and srv.out() == early_text, f"relayed 0-RTT: {srv.out()!r}")
    with socket.create_connection(("127.0.0.1", srv.port)) as replay:
        replay.settimeout(20)
        replay.sendall(bytes(recorded))
        replay.shutdown(socket.SHUT_WR)
        while replay.recv(65536):
            pass
    srv.wait()
    check(srv.out() == early_text and srv.err().count(b"early_data: accepted") == 1,
          f"a replayed 0-RTT ClientHello: early data declined: {srv.out()!r}, {srv.err()!r}")
finally:
    srv.stop()
