#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

usage: make_seeds.py [TARGET...]   (default: every target this script makes seeds for)

Real handshakes come from the interop peers on loopback, recorded through a small relay:
`openssl s_client` against `openssl s_server` (with -msg, which also prints the decrypted
handshake messages) and `gnutls-cli` against `gnutls-serv`, over each cipher suite, with and
without client certificates (the Ed25519 test PKI of tests/vectors/tls). From them:
  tls_engine    each side's byte stream, to be fed to our client or server;
  tls_codecs    each handshake message body behind the selector byte of fuzz_tls_codecs.cpp.
Resumption and 0-RTT seeds for tls_engine (its mode bit 5, target "tls_resumed") cannot come from
another implementation: their binders and records are only valid for the target's own engines,
randomness and clock. fuzz/tls_engine_seeds.cpp makes them with those engines; this script
compiles it ($CXX, default g++) and runs it.
The other targets' seeds are built here in their input formats (see each fuzz_*.cpp): real
certificate chains for x509_verify, the revocation fixtures for crl and ocsp, command lines for
cli, records for tls_records, and chosen edge cases for the differential targets. Seeds are deterministic except the recorded handshakes.
"""
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
TLS = os.path.join(ROOT, "tests", "vectors", "tls")
X509 = os.path.join(ROOT, "tests", "vectors", "x509")
SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
GNUTLS_CIPHER = ["AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305"]
rng = random.Random(8)


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relay(listen_port, target_port, record):
    """Accepts one connection and relays it to target_port, recording each direction."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(1)
    server.settimeout(15)

    def run():
        try:
            a, _ = server.accept()
        except OSError:
            return
        b = socket.create_connection(("127.0.0.1", target_port))

        def pump(src, dst, key):
            while True:
                try:
                    data = src.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    return
                record[key] += data
                dst.sendall(data)

        t = threading.Thread(target=pump, args=(b, a, "from_server"))
        t.start()
        pump(a, b, "from_client")
        t.join(15)
        a.close()
        b.close()
        server.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("no server on port %d" % port)


def record_handshake(peer, suite_index, client_auth):
    """One handshake through the relay: the two byte streams and, for OpenSSL, the messages."""
    server_port, relay_port = free_port(), free_port()
    if peer == "openssl":
        server_cmd = ["openssl", "s_server", "-accept", str(server_port), "-cert", f"{TLS}/server.pem",
                      "-key", f"{TLS}/server.key", "-tls1_3", "-ciphersuites", SUITES[suite_index],
                      "-quiet"]
        if client_auth:
            server_cmd += ["-Verify", "1", "-CAfile", f"{TLS}/root.pem"]
    else:
        server_cmd = ["gnutls-serv", "--port", str(server_port), "--x509certfile", f"{TLS}/server.pem",
                      "--x509keyfile", f"{TLS}/server.key",
                      "--priority", f"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+{GNUTLS_CIPHER[suite_index]}"]
        if client_auth:
            server_cmd += ["--require-client-cert", "--x509cafile", f"{TLS}/root.pem"]
    server = subprocess.Popen(server_cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(server_port)
        record = {"from_client": b"", "from_server": b""}
        thread = relay(relay_port, server_port, record)
        if peer == "openssl":
            client_cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{relay_port}", "-tls1_3", "-msg",
                          "-ciphersuites", SUITES[suite_index], "-CAfile", f"{TLS}/root.pem"]
        else:
            client_cmd = ["gnutls-cli", "--port", str(relay_port), "127.0.0.1", "--x509cafile", f"{TLS}/root.pem",
                          "--priority", f"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+{GNUTLS_CIPHER[suite_index]}",
                          "--verify-hostname", "localhost"]
        if client_auth:
            client_cmd += (["-cert", f"{TLS}/client.pem", "-key", f"{TLS}/client.key"] if peer == "openssl" else
                           ["--x509certfile", f"{TLS}/client.pem", "--x509keyfile", f"{TLS}/client.key"])
        client = subprocess.run(client_cmd, input=b"hello\n", capture_output=True, timeout=20)
        thread.join(20)
        return record, client.stdout.decode(errors="replace")
    finally:
        server.kill()
        server.wait()


# handshake type -> fuzz_tls_codecs codec (Finished: | 0x10 for a 48-byte hash)
CODEC_SELECTOR = {1: 0, 2: 1, 8: 2, 13: 3, 11: 4, 15: 5, 20: 6, 4: 7, 24: 8, 5: 9}


def messages_from_msg_output(text):
    """The handshake messages `openssl s_client -msg` printed, in order."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if re.match(r"^(<<<|>>>) TLS 1\.3, Handshake \[length [0-9a-f]+\]", lines[i]):
            hex_text = ""
            i += 1
            while i < len(lines) and re.match(r"^    [0-9a-f]{2}( |$)", lines[i]):
                hex_text += lines[i]
                i += 1
            out.append(bytes.fromhex(hex_text))
            continue
        i += 1
    return out


def plaintext_messages(stream):
    """Handshake messages of the plaintext handshake records at the start of a stream."""
    out = []
    at = 0
    while at + 5 <= len(stream) and stream[at] == 22:
        n = stream[at + 3] << 8 | stream[at + 4]
        out.append(stream[at + 5:at + 5 + n])
        at += 5 + n
    return out


def tls_seeds():
    names = ["aes128", "aes256", "chacha"]
    for peer in ["openssl", "gnutls"]:
        for s in range(3):
            for auth in [False, True]:
                record, msg = record_handshake(peer, s, auth)
                case = f"real-{peer}-{names[s]}{'-mtls' if auth else ''}"
                # tls_engine: [role flags][piece size] + the other side's bytes.
                write("tls_engine", case + "-to-server", bytes([0, 0]) + record["from_client"])
                write("tls_engine", case + "-to-client", bytes([1, 0]) + record["from_server"])
                write("tls_engine", case + "-to-server-pieces", bytes([0, 7]) + record["from_client"])
                messages = messages_from_msg_output(msg) if peer == "openssl" else (
                    plaintext_messages(record["from_client"]) + plaintext_messages(record["from_server"]))
                for i, m in enumerate(messages):
                    if len(m) >= 4 and m[0] in CODEC_SELECTOR:
                        selector = CODEC_SELECTOR[m[0]] | (0x10 if m[0] == 20 and s == 1 else 0)
                        write("tls_codecs", f"{case}-{i}-type{m[0]}", bytes([selector]) + m[4:])


# tls_records: see fuzz_tls_records.cpp for the format.
def config(suite=0, server=False, mid=False, compat=False, limit=None, mtls=False, small=False):
    flags = suite | (4 if server else 0) | (8 if mid else 0) | (16 if compat else 0) | (32 if limit is not None else 0)
    flags |= (64 if mtls else 0) | (128 if small else 0)
    return bytes([flags, limit or 0])


def sealed(inner_type, content, padding=0, piece=0, big_padding=False, outer=None):
    op = 0 | (4 if big_padding else 0) | (8 if outer else 0)
    out = bytes([op, inner_type, len(content) >> 8, len(content) & 255, padding, piece])
    return out + (bytes(outer) if outer else b"") + content


def real(length, inner_type=22, padding=0, piece=0):
    return bytes([1, inner_type, length >> 8, length & 255, padding, piece])


def raw(data, piece=0):
    return bytes([2, len(data) >> 8, len(data) & 255, piece]) + data


def api(argument):
    return bytes([3, argument])


NST_SIZE = 22  # the harness's NewSessionTicket


def tls_records_seeds():
    key_update = bytes([24, 0, 0, 1, 1])
    for suite, name in enumerate(["aes128", "aes256", "chacha"]):
        for server in [False, True]:
            role = "server" if server else "client"
            c = lambda **k: config(suite, server, **k)
            write("tls_records", f"{name}-{role}-data", c() + sealed(23, b"hello") + sealed(23, b"") + api(4))
            write("tls_records", f"{name}-{role}-alerts", c() + sealed(21, b"\x01\x00"))
            write("tls_records", f"{name}-{role}-fatal-alert", c() + sealed(21, b"\x02\x28"))
            write("tls_records", f"{name}-{role}-padding", c() + sealed(0, b"", padding=40) +
                  sealed(23, b"x" * 100, padding=3, big_padding=True))
            write("tls_records", f"{name}-{role}-key-update", c() + sealed(22, key_update) + sealed(23, b"after") +
                  api(1) + sealed(22, key_update[:4] + b"\x00") + sealed(23, b"again"))
            write("tls_records", f"{name}-{role}-post-handshake", c() + real(NST_SIZE) + real(5) + real(5) +
                  sealed(23, b"data"))
            write("tls_records", f"{name}-{role}-split-message", c() + sealed(22, key_update[:2]) +
                  sealed(22, key_update[2:]) + sealed(23, b"z"))
            write("tls_records", f"{name}-{role}-outer-header", c() + sealed(23, b"v", outer=[23, 3, 1]) +
                  sealed(23, b"w", outer=[22, 3, 3]))
            write("tls_records", f"{name}-{role}-raw", c() + raw(b"\x17\x03\x03\x00\x05hello") + raw(b"\x15\x03\x03\x00\x02\x01\x00"))
            write("tls_records", f"{name}-{role}-api", c() + api(0) + api(1) + api(8) + api(2) + sealed(23, b"late"))
            write("tls_records", f"{name}-{role}-limit", c(limit=0) + sealed(23, b"y" * 64) + sealed(23, b"y" * 63))
            write("tls_records", f"{name}-{role}-mid-whole", c(mid=True) + real(0xffff) + sealed(23, b"first"))
            write("tls_records", f"{name}-{role}-mid-pieces",
                  c(mid=True, compat=True) + real(50, piece=7) * 40 + sealed(23, b"first") + real(5))
            write("tls_records", f"{name}-{role}-mid-mtls", c(mid=True, mtls=True) + real(0xffff) + api(1))
            write("tls_records", f"{name}-{role}-mid-small-output",
                  c(mid=True, small=True) + real(100) * 30 + api(0) + sealed(22, key_update))
            write("tls_records", f"{name}-{role}-mid-early-data", c(mid=True) + sealed(23, b"too early") + real(0xffff))


def pem_blocks(path):
    text = open(path).read()
    return re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", text, re.S)


def der_of(block):
    import base64
    body = "".join(block.strip().splitlines()[1:-1])
    return base64.b64decode(body)


def x509_verify_seeds():
    cert = lambda name: der_of(pem_blocks(os.path.join(X509, name + ".pem"))[0])
    time_2027 = (1800000000).to_bytes(5, "big")
    intermediates = ["intermediate", "sub_intermediate", "intermediate_cross", "not_ca", "ecdsa_intermediate"]
    leaves = ["leaf", "deep_leaf", "critical_leaf", "excluded_leaf", "outside_leaf", "forged_leaf", "not_ca_leaf",
              "ecdsa_leaf", "client_leaf", "rogue"]

    def blob(data):
        return len(data).to_bytes(2, "big") + data

    for leaf in leaves:
        for host, purpose in [(b"www.example.com", 1), (b"", 0), (b"192.0.2.7", 1), (b"", 2)]:
            flags = 2 | 4 | (purpose << 3)
            seed = bytes([flags]) + time_2027 + bytes([len(host)]) + host
            seed += blob(cert("root")) + blob(cert("root2")) + blob(cert(leaf))
            for i in intermediates:
                seed += blob(cert(i))
            write("x509_verify", f"{leaf}-{host.decode() or 'nohost'}-{purpose}", seed)
    # Anchors from a PEM bundle; a short maximum depth; no clock.
    bundle = (pem_blocks(os.path.join(X509, "root.pem"))[0] + pem_blocks(os.path.join(X509, "root2.pem"))[0]).encode()
    write("x509_verify", "pem-bundle", bytes([64 | 4 | 8]) + time_2027 + b"\x00" + blob(bundle) + blob(cert("leaf")) +
          blob(cert("intermediate")))
    write("x509_verify", "short-depth", bytes([1 | 32 | 4 | 8]) + time_2027 + b"\x00" + blob(cert("root")) +
          blob(cert("deep_leaf")) + blob(cert("sub_intermediate")) + blob(cert("intermediate")))
    write("x509_verify", "no-clock", bytes([1 | 8]) + bytes(5) + b"\x00" + blob(cert("root")) + blob(cert("leaf")) +
          blob(cert("intermediate")))
    # Name constraints on each form (one root, one leaf), and the profile rules under both profiles.
    host = b"www.example.com"
    for leaf in ["email_evil", "email_subject", "dir_evil", "dir_san", "uri_evil", "uri_no_host", "other_named",
                 "other_unnamed"]:
        root = "constraints/" + leaf.split("_")[0] + "_root"
        write("x509_verify", f"constraints-{leaf}", bytes([1 | 4 | 8]) + time_2027 + bytes([len(host)]) + host +
              blob(cert(root)) + blob(cert("constraints/" + leaf)))
    for leaf in ["weak_rsa", "weak_p192", "weak_dsa", "serial_zero", "empty_subject", "leaf_is_ca", "underscore_dns",
                 "wildcard_tld", "malformed_aia", "policy_constraints_not_critical", "critical_authority_key_id"]:
        for profile in (0, 128):
            write("x509_verify", f"profile-{leaf}-{'rfc5280' if profile else 'webpki'}",
                  bytes([1 | 4 | 8 | profile]) + time_2027 + bytes([len(host)]) + host + blob(cert("profile/root")) +
                  blob(cert("profile/" + leaf)))
    # ECDSA chains (tests/x509/make_ecdsa_fixtures.sh): P-256, P-384 and Ed25519 mixed, a P-384 key
    # under the P-256 intermediate's name, a P-521 issuer.
    ecdsa = lambda name: cert("ecdsa/" + name)
    for name, anchors, leaf, path in [
        ("p384-root", ["root_p384"], "leaf_ed25519", ["rogue_p384", "intermediate_p256", "intermediate_p521"]),
        ("ed25519-root", ["root_ed25519", "root_p256"], "leaf_p256", ["intermediate_p384"]),
        ("p256-root", ["root_p256", "root_p384", "root_ed25519"], "leaf_p384", ["intermediate_p256"]),
        ("rogue-anchor", ["rogue_p384"], "leaf_ed25519", []),
        ("p521-issuer", ["root_p384"], "leaf_by_p521", ["intermediate_p521"]),
    ]:
        write("x509_verify", f"ecdsa-{name}", bytes([len(anchors) | 4 | 8]) + time_2027 + bytes([len(host)]) + host +
              b"".join(blob(ecdsa(a)) for a in anchors) + blob(ecdsa(leaf)) + b"".join(blob(ecdsa(i)) for i in path))
    # Hostile sets for path building: every certificate of the bundle as an intermediate.
    for name in ["loop", "mesh"]:
        cas = b"".join(blob(der_of(b)) for b in pem_blocks(os.path.join(X509, "paths", name + "_cas.pem")))
        write("x509_verify", f"paths-{name}", bytes([1 | 4 | 8]) + time_2027 + bytes([len(host)]) + host +
              blob(cert("root")) + blob(cert(f"paths/{name}_leaf")) + cas)


def revocation_seeds():
    import json
    folder = os.path.join(X509, "revocation")
    times = json.load(open(os.path.join(folder, "revocation.json")))

    def load(name):
        data = open(os.path.join(folder, name), "rb").read()
        if name.endswith(".pem"):
            body = re.search(rb"-----BEGIN [A-Z0-9 ]+-----\n(.*?)-----END", data, re.S).group(1)
            import base64
            return base64.b64decode(body)
        return data

    def blob(data):
        return len(data).to_bytes(2, "big") + data

    def at(name):
        return times[name].to_bytes(5, "big")

    signers = blob(load("crl_signer.pem")) + blob(load("crl_signer_no_crlsign.pem"))
    for crl in ("crl.der", "crl_root.pem", "crl_root_revokes_ca.pem", "crl_future.pem", "crl_wrong_signer.pem",
                "crl_delegated.pem", "crl_delegated_no_crlsign.pem", "crl_critical.pem", "crl_entry_critical.der",
                "crl_no_next_update.der", "crl_partition.pem", "crl_ca_only.pem", "crl_some_reasons.pem"):
        name = crl.split(".")[0]
        issuer, subject = ("root.pem", "ca.pem") if name.startswith("crl_root") else ("ca.pem", "revoked_leaf.pem")
        write("crl", name, at("now") + blob(load(crl)) + blob(load(issuer)) + blob(load(subject)) + signers)
    write("crl", "crl-stale", at("stale") + blob(load("crl.der")) + blob(load("ca.pem")) + blob(load("leaf.pem")))
    write("crl", "crl-alone", at("now") + blob(load("crl.der")))
    write("crl", "crl-partition-covered", at("now") + blob(load("crl_partition.pem")) + blob(load("ca.pem")) +
          blob(load("dp_leaf.pem")))
    for response, subject in (("ocsp_good", "leaf"), ("ocsp_good_sha256", "leaf"), ("ocsp_good_by_key", "leaf"),
                              ("ocsp_revoked", "revoked_leaf"), ("ocsp_unknown", "other_leaf"),
                              ("ocsp_delegated", "leaf"), ("ocsp_delegated_no_eku", "leaf"),
                              ("ocsp_wrong_signer", "leaf"), ("ocsp_critical_single", "leaf"),
                              ("ocsp_critical_response", "leaf")):
        write("ocsp", response, at("now") + blob(load(response + ".der")) + blob(load("ca.pem")) +
              blob(load(subject + ".pem")))
    write("ocsp", "ocsp-stale", at("stale") + blob(load("ocsp_good.der")) + blob(load("ca.pem")) + blob(load("leaf.pem")))
    write("ocsp", "ocsp-certid-mismatch", at("now") + blob(load("ocsp_good.der")) + blob(load("ca.pem")) +
          blob(load("revoked_leaf.pem")))
    write("ocsp", "ocsp-try-later", at("now") + blob(bytes([0x30, 0x03, 0x0a, 0x01, 0x03])))
    # Signed by a P-256 CA (tests/x509/make_ecdsa_fixtures.sh), an hour after the CRL's thisUpdate.
    ecdsa = os.path.join(X509, "ecdsa")
    ecdsa_der = lambda name: load(os.path.join(ecdsa, name))
    from datetime import datetime, timezone
    last = subprocess.run(["openssl", "crl", "-in", os.path.join(ecdsa, "crl_p256.pem"), "-noout", "-lastupdate"],
                          capture_output=True, text=True, check=True).stdout.strip().split("=", 1)[1]
    when = (int(datetime.strptime(last, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc).timestamp()) + 3600)
    when = when.to_bytes(5, "big")
    for subject in ("leaf_ed25519", "revoked_leaf"):
        write("crl", f"ecdsa-{subject}", when + blob(ecdsa_der("crl_p256.pem")) + blob(ecdsa_der("intermediate_p256.pem")) +
              blob(ecdsa_der(subject + ".pem")))
    write("ocsp", "ecdsa-ocsp", when + blob(ecdsa_der("ocsp_p256.der")) + blob(ecdsa_der("intermediate_p256.pem")) +
          blob(ecdsa_der("leaf_ed25519.pem")))


def cli_seeds():
    def seed(name, args, stdin=None, files=()):
        data = b"\0".join(a.encode() if isinstance(a, str) else a for a in args)
        if stdin is not None or files:
            data += b"\xff\xff" + (stdin or b"")
            for f in files:
                data += b"\xff\xff" + f
        write("cli", name, data)

    h = lambda n: rng.randbytes(n).hex()
    seed("hash", ["hash", "sha256"], b"abc")
    seed("hash-512-256", ["hash", "sha512-256"], b"")
    seed("hash-unknown", ["hash", "md5"])
    seed("hash-extra", ["hash", "sha256", "sha384"])
    seed("hmac", ["hmac", "sha384", "--key", h(20)], b"message")
    seed("hmac-inline-empty-key", ["hmac", "sha256", "--key="], b"m")
    seed("hmac-bad-hex", ["hmac", "sha256", "--key", "0g"])
    seed("hkdf", ["hkdf", "sha256", "--ikm", h(22), "--salt", h(13), "--info", h(10), "--length", "42"])
    seed("hkdf-max", ["hkdf", "sha512", "--ikm=00", "--length=16320"])
    seed("hkdf-too-long", ["hkdf", "sha256", "--ikm", "00", "--length", "8161"])
    seed("hkdf-missing-value", ["hkdf", "sha256", "--length"])
    seed("aead-seal-gcm", ["aead-seal", "aes-128-gcm", "--key", h(16), "--nonce", h(12), "--aad", h(5)], b"plaintext")
    seed("aead-seal-gcm-long-nonce", ["aead-seal", "aes-256-gcm", "--key", h(32), "--nonce", h(60)], b"p")
    seed("aead-seal-xchacha", ["aead-seal", "xchacha20-poly1305", "--key", h(32), "--nonce", h(24)], b"x" * 70)
    seed("aead-open-chacha", ["aead-open", "chacha20-poly1305", "--key", h(32), "--nonce", h(12)],
         (h(20) + "\n " + h(16)).encode())
    seed("aead-open-bad-hex", ["aead-open", "aes-128-gcm", "--key", h(16), "--nonce", h(12)], b"zz")
    seed("aead-wrong-nonce", ["aead-seal", "chacha20-poly1305", "--key", h(32), "--nonce", h(24)], b"")
    seed("x25519", ["x25519", "--scalar", h(32), "--point", h(32)])
    seed("x25519-base", ["x25519", "--scalar", h(32)])
    seed("x25519-small-order", ["x25519", "--scalar", h(32), "--point", "00" * 32])
    seed("x25519-short", ["x25519", "--scalar", h(31)])
    seed("ed25519-pub", ["ed25519-pub", "--seed", h(32)])
    seed("ed25519-sign", ["ed25519-sign", "--seed", h(32)], b"message")
    seed("ed25519-verify", ["ed25519-verify", "--pub", h(32), "--sig", h(64)], b"message")
    seed("ed25519-positional", ["ed25519-pub", "--seed", h(32), "extra"])
    seed("help", ["--help"])
    seed("version", ["--version"])
    seed("no-command", [])
    seed("unknown-command", ["frobnicate", "--x"])
    seed("unknown-option", ["hash", "sha256", "--fast"])
    seed("twice", ["hmac", "sha256", "--key", "00", "--key=11"])
    leaf = open(os.path.join(X509, "leaf.pem"), "rb").read()
    root = open(os.path.join(X509, "root.pem"), "rb").read()
    intermediate = open(os.path.join(X509, "intermediate.pem"), "rb").read()
    seed("x509", ["x509", "1"], b"", [leaf])
    seed("x509-not-pem", ["x509", "1"], b"", [b"hello"])
    seed("x509-missing", ["x509", "9"], b"", [leaf])
    seed("verify", ["verify", "--CAfile", "1", "--untrusted=2", "--host", "www.example.com", "--time", "1800000000",
                    "--purpose", "server", "3"], b"", [root, intermediate, leaf])
    seed("verify-client-purpose", ["verify", "--CAfile=1", "--purpose=client", "--time=1800000000", "3"], b"",
         [root, intermediate, leaf])
    seed("verify-bad-time", ["verify", "--CAfile", "1", "--time", "-1", "3"], b"", [root, intermediate, leaf])
    seed("verify-empty-host", ["verify", "--CAfile", "1", "--host=", "3"], b"", [root, intermediate, leaf])
    # verify-sig and ecdh with the openssl-made keys of tests/vectors/keys (genkey and sign are
    # stubbed: their output is random). Signatures are well-formed DER of arbitrary r and s.
    keys = os.path.join(ROOT, "tests", "vectors", "keys")
    key = lambda name: open(os.path.join(keys, name + ".pem"), "rb").read()
    points = __import__("json").load(open(os.path.join(keys, "expected.json")))
    der_sig = lambda n: "30" + f"{4 + 2 * n:02x}" + "02" + f"{n:02x}" + "7f" + h(n - 1) + "02" + f"{n:02x}" + "11" + h(n - 1)
    seed("verify-sig-p256", ["verify-sig", "--pub", "1", "--sig", der_sig(32)], b"message", [key("p256_pkcs8_public")])
    ecdsa_leaf = open(os.path.join(X509, "ecdsa", "leaf_p384.pem"), "rb").read()
    seed("verify-sig-certificate", ["verify-sig", "--pub=1", "--sig", der_sig(48)], b"message", [ecdsa_leaf])
    seed("verify-sig-ed25519", ["verify-sig", "--pub", "1", "--sig", h(64)], b"", [open(os.path.join(X509, "pair_public.pem"), "rb").read()])
    seed("ecdh-p384", ["ecdh", "--key", "1", "--peer", points["p384_sec1"]["public"]], b"", [key("p384_pkcs8")])
    seed("ecdh-sec1-compressed", ["ecdh", "--key", "1", "--peer", "02" + points["p256_pkcs8"]["public"][2:66]], b"",
         [key("p256_sec1")])
    seed("ecdh-p256-off-curve", ["ecdh", "--key", "1", "--peer", "04" + "11" * 64], b"", [key("p256_pkcs8")])


def diff_seeds():
    # fuzz_diff_aead: [algorithm][GCM nonce length][tamper: 2][AAD length][key][nonce][AAD][plaintext]
    key_sizes, nonce_sizes = [16, 24, 32, 32, 32], [None, None, None, 12, 24]
    for algorithm in range(5):
        for gcm_nonce in ([12, 1, 16, 60, 127] if algorithm < 3 else [12]):
            for size in [0, 1, 15, 16, 17, 64, 255, 1000]:
                nonce = nonce_sizes[algorithm] or gcm_nonce
                aad = rng.randrange(0, 40)
                data = bytes([algorithm, gcm_nonce, rng.randrange(256), rng.randrange(256), aad])
                data += rng.randbytes(key_sizes[algorithm] + nonce + aad + size)
                write("diff_aead", f"alg{algorithm}-nonce{nonce}-len{size}", data)
    # AES-CCM (algorithms 5-7): the second byte picks nonce length 7 + b % 7 and tag length
    # 4 + 2 * (b / 7 % 7). Its own generator, so the seeds above stay as they were.
    ccm_rng = random.Random(38)
    for algorithm in range(5, 8):
        for b in [5, 7 * 6 + 5, 7 * 2, 7 * 3 + 6, 7 * 6]:
            for size in [0, 1, 15, 16, 17, 64, 255, 1000]:
                nonce, tag = 7 + b % 7, 4 + 2 * (b // 7 % 7)
                aad = ccm_rng.randrange(0, 40)
                data = bytes([algorithm, b, ccm_rng.randrange(256), ccm_rng.randrange(256), aad])
                data += ccm_rng.randbytes([16, 24, 32][algorithm - 5] + nonce + aad + size)
                write("diff_aead", f"alg{algorithm}-nonce{nonce}-tag{tag}-len{size}", data)
    # fuzz_diff_hash: [split count][splits...][key length][key...][message...]
    for size in [0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 129, 300, 1000]:
        for key in [0, 20, 64, 65, 128, 129, 199]:
            if rng.random() < 0.3:
                splits = rng.randbytes(rng.randrange(16))
                write("diff_hash", f"len{size}-key{key}", bytes([len(splits)]) + splits + bytes([key]) +
                      rng.randbytes(key + size))
    # fuzz_diff_25519: [mode][32][32][32][message]
    p = 2**255 - 19
    le = lambda v: (v % 2**256).to_bytes(32, "little")
    points = [0, 1, p - 1, p, p + 1, 2**255 - 1, 9, 2**255 + 9,
              # order-8 and order-4 points on Curve25519 (u-coordinates)
              0x5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7,
              0xb8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0e0]
    for i, u in enumerate(points):
        write("diff_25519", f"x25519-point{i}", bytes([0]) + rng.randbytes(32) + le(u) + bytes(32))
    for i in range(4):
        write("diff_25519", f"x25519-random{i}", bytes([0]) + rng.randbytes(96))
        write("diff_25519", f"ed25519-sign{i}", bytes([1]) + rng.randbytes(96) + rng.randbytes(i * 50))
        write("diff_25519", f"ed25519-raw{i}", bytes([2]) + rng.randbytes(96) + b"msg")
    identity, minus_one = le(1), le(p - 1)
    signed = lambda b: b[:31] + bytes([b[31] | 0x80])
    for name, key in [("identity", identity), ("identity-signed", signed(identity)), ("y-is-p", le(p)),
                      ("y-is-p-plus-1", le(p + 1)), ("minus-one", minus_one), ("minus-one-signed", signed(minus_one)),
                      ("zero", le(0))]:
        write("diff_25519", f"ed25519-rsb-{name}", bytes([3]) + key + rng.randbytes(32) + bytes(32) + b"m")
        write("diff_25519", f"ed25519-rawkey-{name}", bytes([2]) + key + rng.randbytes(64) + b"m")


def u16(v):
    return bytes([v >> 8, v & 0xff])


def vec(n, data):
    return len(data).to_bytes(n, "big") + data


def ext(t, data):
    return u16(t) + vec(2, data)


def hello_without_grease(hello):
    """The ClientHello body `hello` with its (empty) 0x0a0a extension taken out, lengths fixed."""
    fixed = 2 + 32 + 1 + 2 + 4 + 2
    extensions = hello[fixed + 2:].replace(ext(0x0a0a, b""), b"")
    return hello[:fixed] + vec(2, extensions)


# tls_codecs: hand-made messages the recorded handshakes do not contain (see fuzz_tls_codecs.cpp).
def tls_codecs_seeds():
    hrr_random = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
    versions = ext(43, u16(0x0304))
    write("tls_codecs", "hello-retry-request-cookie",
          bytes([1]) + u16(0x0303) + hrr_random + vec(1, b"") + u16(0x1301) + b"\0" +
          vec(2, ext(51, u16(0x17)) + ext(44, vec(2, b"cookie")) + versions))
    write("tls_codecs", "server-hello-tls12-downgrade",
          bytes([1]) + u16(0x0303) + bytes(24) + b"DOWNGRD\x01" + vec(1, b"") + u16(0xc02f) + b"\0")
    psk = ext(41, vec(2, vec(2, b"ticket-identity") + bytes(4)) + vec(2, vec(1, bytes(32))))
    hello = (u16(0x0303) + bytes(range(32)) + vec(1, b"") + vec(2, u16(0x1301) + u16(0x1303)) + vec(1, b"\0") +
             vec(2, ext(0, vec(2, b"\0" + vec(2, b"example.com"))) + ext(10, vec(2, u16(0x1d))) +
                 ext(51, vec(2, u16(0x1d) + vec(2, bytes(32)))) + ext(43, vec(1, u16(0x0304))) +
                 ext(13, vec(2, u16(0x0807))) + ext(16, vec(2, vec(1, b"h2"))) + ext(28, u16(0x4000)) +
                 ext(42, b"") + ext(0x0a0a, b"") + ext(21, bytes(8)) + ext(45, vec(1, b"\1")) + psk))
    write("tls_codecs", "client-hello-psk-padding-grease", bytes([0]) + hello)
    write("tls_codecs", "client-hello-no-unknown-extensions", bytes([0]) + hello_without_grease(hello))
    write("tls_codecs", "client-hello-tls12-no-extensions",
          bytes([0]) + u16(0x0303) + bytes(32) + vec(1, b"") + vec(2, u16(0xc02f)) + vec(1, b"\1\0"))
    write("tls_codecs", "finished-sha256", bytes([6]) + bytes(range(32)))
    write("tls_codecs", "finished-sha384", bytes([6 | 0x10]) + bytes(range(48)))
    write("tls_codecs", "certificate-request-authorities",
          bytes([3]) + vec(1, b"") + vec(2, ext(13, vec(2, u16(0x0807))) + ext(47, vec(2, vec(2, b"0\0"))) +
                                   ext(0x4a4a, b"")))
    write("tls_codecs", "certificate-entry-ocsp", bytes([4]) + vec(1, b"") + vec(3, vec(3, b"0\0") + vec(2, ext(5, b"\1"))))
    write("tls_codecs", "certificate-verify-empty", bytes([5]) + u16(0x0807) + vec(2, b""))
    write("tls_codecs", "new-session-ticket-early-data",
          bytes([7]) + (3600).to_bytes(4, "big") + bytes(4) + vec(1, b"\0") + vec(2, b"ticket") +
          vec(2, ext(42, (16384).to_bytes(4, "big"))))
    write("tls_codecs", "key-update-requested", bytes([8, 1]))
    write("tls_codecs", "key-update-not-requested", bytes([8, 0]))
    write("tls_codecs", "end-of-early-data", bytes([9]))


def tls_resumed_seeds():
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        program = os.path.join(tmp, "tls_engine_seeds")
        subprocess.run([os.environ.get("CXX", "g++"), "-std=c++20", "-O1", "-I", os.path.join(ROOT, "include"),
                        os.path.join(ROOT, "fuzz", "tls_engine_seeds.cpp"), "-o", program], check=True)
        folder = os.path.join(CORPUS, "tls_engine")
        os.makedirs(folder, exist_ok=True)
        subprocess.run([program, folder], check=True)


MAKERS = {"tls": tls_seeds, "tls_resumed": tls_resumed_seeds, "tls_codecs": tls_codecs_seeds, "tls_records": tls_records_seeds, "x509_verify": x509_verify_seeds,
          "revocation": revocation_seeds, "cli": cli_seeds,
          "diff": diff_seeds}

if __name__ == "__main__":
    for name in sys.argv[1:] or MAKERS:
        MAKERS[name]()
