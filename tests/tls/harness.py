"""The harness of tests/tls/interop.py: the test PKI, free ports, processes with their output in
files and a timeout, the peers (carapace-tool, openssl, gnutls-cli/gnutls-serv) started the same
way each time, the checks on our tools' summary lines, and the loop that runs the cases.

Imported by interop.py, run as a script: the tool's path is its first argument, the case filters
the rest.
"""
import atexit
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOOL = os.path.abspath(sys.argv[1])
ONLY = sys.argv[2:]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VEC = os.path.join(ROOT, "tests", "vectors", "tls")
WORK = tempfile.mkdtemp(prefix="carapace-interop-")
SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
GNUTLS_CIPHER = {"TLS_AES_128_GCM_SHA256": "AES-128-GCM", "TLS_AES_256_GCM_SHA384": "AES-256-GCM",
                 "TLS_CHACHA20_POLY1305_SHA256": "CHACHA20-POLY1305"}
GNUTLS_TLS13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3"
BIG = 64 << 20
TIMEOUT = 30

processes = []


def cleanup():
    for p in processes:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    shutil.rmtree(WORK, ignore_errors=True)


atexit.register(cleanup)


def vec(name):
    return os.path.join(VEC, name)


def work(name):
    return os.path.join(WORK, name)


class Pki:
    """The certificates a case uses, as names under tests/vectors/tls (NAME.pem, a chain with the
    leaf first, and NAME.key): the trust anchor, a server and a client identity, a server chain
    from an untrusted root, and the client's subject as our tools print it. Cases read the one
    object `pki`, which use_pki switches between the Ed25519 PKI and the ECDSA ones."""

    def __init__(self, root, server, client, stranger, client_cn):
        self.root, self.server, self.client, self.stranger, self.client_cn = root, server, client, stranger, client_cn


# Each ECDSA family pairs a server of one curve with a client of the other, so that both
# CertificateVerify schemes run each way.
PKIS = {
    "Ed25519": dict(root="root", server="server", client="client", stranger="stranger",
                    client_cn="CN = carapace test client"),
    "ECDSA P-256": dict(root="ec/root", server="ec/server_p256", client="ec/client_p384", stranger="ec/stranger_p256",
                        client_cn="CN = carapace ECDSA test client P-384"),
    "ECDSA P-384": dict(root="ec/root", server="ec/server_p384", client="ec/client_p256", stranger="ec/stranger_p384",
                        client_cn="CN = carapace ECDSA test client P-256"),
    # RSA (tests/vectors/tls/rsa): each chain's stranger is the other chain's server.
    "RSA-2048": dict(root="rsa/root_2048", server="rsa/server_2048", client="rsa/client_2048",
                     stranger="rsa/server_3072", client_cn="CN = carapace RSA-2048 test client"),
    "RSA-3072": dict(root="rsa/root_3072", server="rsa/server_3072", client="rsa/client_3072",
                     stranger="rsa/server_2048", client_cn="CN = carapace RSA-3072 test client"),
}
pki = Pki(**PKIS["Ed25519"])


def use_pki(name):
    pki.__dict__.update(PKIS[name])


# OpenSSL's -cert takes the leaf alone and -cert_chain the rest: split our chain files (once each).
def split_chain(name):
    base = work(name.replace("/", "_"))
    if os.path.exists(base + "-leaf.pem"):
        return base
    text = open(vec(name + ".pem")).read()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", text, re.S)
    open(base + "-chain.pem", "w").write("".join(blocks[1:]) or blocks[0])
    open(base + "-leaf.pem", "w").write(blocks[0])
    return base


def leaf(name):
    return split_chain(name) + "-leaf.pem"


def chain(name):
    return split_chain(name) + "-chain.pem"


def free_port():
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET) as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def listening(port):
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def wait_until(condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


class Proc:
    """A process with stdout and stderr in files and stdin from a pipe (or a file)."""
    count = 0

    def __init__(self, args, stdin=None):
        Proc.count += 1
        self.args = args
        self.out_path = work("p%d.out" % Proc.count)
        self.err_path = work("p%d.err" % Proc.count)
        self.out_file = open(self.out_path, "wb")
        self.err_file = open(self.err_path, "wb")
        self.stdin_file = open(stdin, "rb") if stdin else None
        self.p = subprocess.Popen(args, stdin=self.stdin_file or subprocess.PIPE, stdout=self.out_file,
                                  stderr=self.err_file)
        processes.append(self.p)

    def write(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def close_stdin(self):
        if self.p.stdin:
            try:
                self.p.stdin.close()
            except OSError:
                pass

    def wait(self, timeout=TIMEOUT):
        """The exit status, or None after killing a process that ran too long."""
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

    def stop(self):
        self.close_stdin()
        if self.p.poll() is None:
            self.p.terminate()
        return self.wait(5)

    def out(self):
        self.out_file.flush()
        return open(self.out_path, "rb").read()

    def err(self):
        self.err_file.flush()
        return open(self.err_path, "rb").read().decode(errors="replace")

    def text(self):
        return self.out().decode(errors="replace") + self.err()

    def summary(self):
        """Our tools' "key: value" stderr lines (the last value of each key)."""
        d = {}
        for line in self.err().splitlines():
            m = re.match(r"^([a-z_]+): (.*)$", line)
            if m:
                d[m.group(1)] = m.group(2)
        return d

    def has(self, text):
        return text in self.text()


def run(args, stdin_data=b"", stdin=None, timeout=TIMEOUT):
    """Runs a client to its end: (Proc, exit status or None on timeout)."""
    p = Proc(args, stdin=stdin)
    if stdin is None:
        try:
            p.write(stdin_data)
        except OSError:
            pass
        p.close_stdin()
    return p, p.wait(timeout)


def start_server(args, port):
    p = Proc(args)
    if not wait_until(lambda: listening(port) or p.p.poll() is not None, 10) or p.p.poll() is not None:
        raise Failure("server did not start: %s\n%s" % (" ".join(args), p.text()[-2000:]))
    return p


class Failure(Exception):
    pass


def expect(condition, what, *procs):
    if not condition:
        detail = ""
        for p in procs:
            detail += "\n  $ %s\n%s" % (" ".join(p.args), "\n".join("    " + l for l in p.text()[-1500:].splitlines()))
        raise Failure(what + detail)


# ----------------------------------------------------------------------------------------------
# The peers.

def carapace_server(port, *extra, cert=None, conns=1):
    cert = cert or pki.server
    return start_server([TOOL, "s_server", "--accept", str(port), "--cert", vec(cert + ".pem"), "--key",
                         vec(cert + ".key"), "--num-conns", str(conns)] + list(extra), port)


def carapace_client(port, *extra, host="127.0.0.1", data=b"", stdin=None, timeout=TIMEOUT, ca=None):
    args = [TOOL, "s_client", "--connect", "%s:%d" % (host, port)]
    if "--insecure" not in extra:
        args += ["--CAfile", vec((ca or pki.root) + ".pem")]
    return run(args + list(extra), stdin_data=data, stdin=stdin, timeout=timeout)


def openssl_server(port, *extra, cert=None):
    # stdin stays open: openssl s_server drops the connection when its stdin ends.
    cert = cert or pki.server
    return start_server(["openssl", "s_server", "-accept", str(port), "-tls1_3", "-naccept", "1",
                         "-cert", leaf(cert), "-cert_chain", chain(cert), "-key", vec(cert + ".key")] + list(extra),
                        port)


def openssl_client(port, *extra, data=b"", stdin=None, timeout=TIMEOUT, ca=None, host="localhost"):
    args = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3", "-CAfile", vec((ca or pki.root) + ".pem"),
            "-verify_return_error", "-verify_hostname", host] + list(extra)
    if "-noservername" not in extra:
        args += ["-servername", host]
    return run(args, stdin_data=data, stdin=stdin, timeout=timeout)


def gnutls_server(port, *extra, cert=None, priority=GNUTLS_TLS13):
    cert = cert or pki.server
    return start_server(["gnutls-serv", "--port", str(port), "--x509certfile", vec(cert + ".pem"),
                         "--x509keyfile", vec(cert + ".key"), "--priority", priority] + list(extra), port)


def gnutls_client(port, *extra, data=b"", stdin=None, timeout=TIMEOUT, ca=None, priority=GNUTLS_TLS13):
    return run(["gnutls-cli", "-p", str(port), "--x509cafile", vec((ca or pki.root) + ".pem"), "--priority", priority] +
               list(extra) + ["localhost"], stdin_data=data, stdin=stdin, timeout=timeout)


def ok_summary(p, status, cipher=None, peer="CN = localhost", verify="ok", hrr="no", alpn="none", group="x25519"):
    s = p.summary()
    expect(status == 0, "exit status %s, expected 0" % status, p)
    expect(s.get("protocol") == "TLSv1.3", "protocol line", p)
    if cipher:
        expect(s.get("cipher") == cipher, "cipher %s, expected %s" % (s.get("cipher"), cipher), p)
    expect(s.get("group") == group, "group %s, expected %s" % (s.get("group"), group), p)
    expect(s.get("hrr") == hrr, "hrr %s, expected %s" % (s.get("hrr"), hrr), p)
    expect(s.get("alpn") == alpn, "alpn %s, expected %s" % (s.get("alpn"), alpn), p)
    expect(s.get("peer") == peer, "peer %r, expected %r" % (s.get("peer"), peer), p)
    expect(s.get("verify") == verify, "verify %r, expected %r" % (s.get("verify"), verify), p)


def failed_with_alert(p, status, alert=None):
    s = p.summary()
    expect(status == 1, "exit status %s, expected 1" % status, p)
    expect("alert" in s or "error" in s, "no alert: or error: line", p)
    if alert:
        expect(s.get("alert") == alert, "alert %s, expected %s" % (s.get("alert"), alert), p)


def big_text_file():
    """64 MiB of base64 lines: gnutls-serv --echo handles text (it stops at a NUL byte)."""
    path = work("big.txt")
    if not os.path.exists(path):
        import base64
        with open(path, "wb") as f:
            for _ in range(16):
                raw = base64.b64encode(os.urandom(65536 * 63 // 4 * 3))  # 65536 lines of 64 bytes: 4 MiB
                f.write(b"".join(raw[i:i + 63] + b"\n" for i in range(0, len(raw), 63)))
    return path


def big_file():
    path = work("big.bin")
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(os.urandom(BIG))
    return path


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_cases(cases):
    """Runs each (name, function) whose name has one of the filters; a failure of one case is
    reported and the others still run. Prints "N passed, N failed"; returns the exit status."""
    passed = failed = 0
    for name, fn in cases:
        if ONLY and not any(o in name for o in ONLY):
            continue
        start = time.monotonic()
        try:
            fn()
            passed += 1
            print("ok: %s (%.1fs)" % (name, time.monotonic() - start), flush=True)
        except Exception as e:
            failed += 1
            print("FAIL: %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        finally:
            for p in processes:
                if p.poll() is None:
                    p.kill()
                    p.wait()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1
