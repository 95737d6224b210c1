#!/usr/bin/env python3
"""Drives carapace-tool through its documented contract and compares every answer with
Python's own hashlib/hmac and python3-cryptography (independent implementations): the
primitives here, SHA-3/SHAKE/ML-KEM in tool_test_pq.py, genkey/sign/verify-sig/ecdh in tool_test_keys.py, x509/verify in
tool_test_x509.py, s_client/s_server in tool_test_tls.py (raw public keys in tool_test_tls_rpk.py), the age commands in
tool_test_age.py.
Prints 'N passed, N failed'."""
import hashlib
import hmac
import os
import random
import struct
import re
import subprocess
import sys

import tool_common
from tool_common import TOOL, check, expect_usage_error, run


def hkdf_reference(name, ikm, salt, info, length):
    size = hashlib.new(name).digest_size
    prk = hmac.new(salt if salt else b"\0" * size, ikm, name).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), name).digest()
        okm += block
        counter += 1
    return okm[:length]


rng = random.Random(1234)
messages = [b"", b"abc", bytes(range(256)) * 5] + [rng.randbytes(n) for n in (1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 100000)]

# hash
hash_names = {"sha224": "sha224", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "sha512-256": "sha512_256"}
for tool_name, py_name in hash_names.items():
    for m in messages:
        code, out, err = run(["hash", tool_name], m)
        want = hashlib.new(py_name, m).hexdigest() + "\n"
        check(code == 0 and out.decode() == want and err == b"", f"hash {tool_name} len {len(m)}: {out!r} {err!r}")

# hmac, keys of many lengths including empty and longer than a block
for name in ("sha256", "sha384", "sha512"):
    for key in (b"", b"k", rng.randbytes(32), rng.randbytes(128), rng.randbytes(200)):
        for m in messages[:6]:
            code, out, err = run(["hmac", name, "--key", key.hex()], m)
            want = hmac.new(key, m, name).hexdigest() + "\n"
            check(code == 0 and out.decode() == want, f"hmac {name} key {len(key)} msg {len(m)}: {out!r} {err!r}")
    key = rng.randbytes(20)
    code, out, _ = run(["hmac", name, f"--key={key.hex().upper()}"], b"x")
    check(code == 0 and out.decode() == hmac.new(key, b"x", name).hexdigest() + "\n", f"hmac {name} --key= uppercase")

# hkdf
for name, size in (("sha256", 32), ("sha384", 48), ("sha512", 64)):
    for length in (0, 1, 32, 42, size + 1, 255 * size):
        ikm, salt, info = rng.randbytes(22), rng.randbytes(13), rng.randbytes(10)
        code, out, err = run(["hkdf", name, "--ikm", ikm.hex(), "--salt", salt.hex(), "--info", info.hex(), "--length", str(length)])
        want = hkdf_reference(name, ikm, salt, info, length).hex() + "\n"
        check(code == 0 and out.decode() == want, f"hkdf {name} length {length}: {out[:80]!r} {err!r}")
    ikm = rng.randbytes(16)
    code, out, _ = run(["hkdf", name, "--ikm", ikm.hex(), "--length", "16"])
    check(code == 0 and out.decode() == hkdf_reference(name, ikm, b"", b"", 16).hex() + "\n", f"hkdf {name} without salt and info")
    expect_usage_error(["hkdf", name, "--ikm", "00", "--length", str(255 * size + 1)], what=f"hkdf {name} length over 255*HashLen")

# RFC 5869 test case 1, written out, as a fixed point independent of Python's hmac
code, out, _ = run(["hkdf", "sha256", "--ikm", "0b" * 22, "--salt", "000102030405060708090a0b0c", "--info", "f0f1f2f3f4f5f6f7f8f9", "--length", "42"])
check(out == b"3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865\n", "hkdf RFC 5869 case 1")

# aead-seal / aead-open against an independent AES-GCM (python3-cryptography)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

for name, key_size in (("aes-128-gcm", 16), ("aes-256-gcm", 32)):
    for length in (0, 1, 15, 16, 17, 255, 256, 1350, 4099):
        key, aad, plaintext = rng.randbytes(key_size), rng.randbytes(length % 37), rng.randbytes(length)
        nonce = rng.randbytes(12 if length % 2 == 0 else 16)
        want = AESGCM(key).encrypt(nonce, plaintext, aad)
        args = ["--key", key.hex(), "--nonce", nonce.hex()] + (["--aad", aad.hex()] if aad else [])
        code, out, err = run(["aead-seal", name] + args, plaintext)
        check(code == 0 and out.decode() == want.hex() + "\n", f"aead-seal {name} len {length}: {out[:60]!r} {err!r}")
        # open takes hex with any whitespace, in either case
        spaced = " ".join(want.hex()[i:i + 7] for i in range(0, len(want.hex()), 7)).upper() + "\n"
        code, out, err = run(["aead-open", name] + args, spaced.encode())
        check(code == 0 and out == plaintext and err == b"", f"aead-open {name} len {length}: {err!r}")
        # any flipped bit: "authentication failed", exit 1, nothing on stdout
        for flip in (0, len(want) - 1, len(want) // 2):
            bad = bytearray(want)
            bad[flip] ^= 0x01
            code, out, err = run(["aead-open", name] + args, bad.hex().encode())
            check(code == 1 and out == b"" and err.decode().strip() == "authentication failed",
                  f"aead-open {name} len {length} flipped byte {flip}: {code} {out[:40]!r} {err!r}")
    key = bytes(key_size)
    code, out, err = run(["aead-open", name, "--key", key.hex(), "--nonce", "00" * 12], b"00" * 15)
    check(code == 1 and out == b"" and err.decode().strip() == "authentication failed", f"aead-open {name} shorter than a tag")
    for args in (
        ["--key", "00" * (key_size - 1), "--nonce", "00" * 12], ["--key", "00" * (key_size + 8), "--nonce", "00" * 12],
        ["--key", "0g" * key_size, "--nonce", "00" * 12], ["--key", "00" * key_size, "--nonce", ""],
        ["--key", "00" * key_size], ["--nonce", "00" * 12], ["--key", "00" * key_size, "--nonce", "0"],
        ["--key", "00" * key_size, "--nonce", "00" * 12, "--aad", "xyz"],
    ):
        expect_usage_error(["aead-seal", name] + args, b"data", what=f"aead-seal {name} {args}")
        expect_usage_error(["aead-open", name] + args, b"00" * 20, what=f"aead-open {name} {args}")
    expect_usage_error(["aead-open", name, "--key", "00" * key_size, "--nonce", "00" * 12], b"00zz" * 10, what="aead-open bad hex on stdin")

# ChaCha20-Poly1305 against python3-cryptography; XChaCha20-Poly1305 against HChaCha20 (written
# here from draft-irtf-cfrg-xchacha §2.2) and the same ChaCha20Poly1305 with nonce 0^4 || nonce[16:]
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305


def hchacha20(key, nonce16):
    def rotl(v, n):
        return ((v << n) | (v >> (32 - n))) & 0xffffffff

    def qr(x, a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xffffffff; x[d] = rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xffffffff; x[b] = rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xffffffff; x[d] = rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xffffffff; x[b] = rotl(x[b] ^ x[c], 7)

    x = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            qr(x, a, b, c, d)
    return struct.pack("<8I", *(x[0:4] + x[12:16]))


check(hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927")).hex() ==
      "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", "HChaCha20 reference (draft §2.2.1)")


def xchacha_encrypt(key, nonce, plaintext, aad):
    return ChaCha20Poly1305(hchacha20(key, nonce[:16])).encrypt(bytes(4) + nonce[16:], plaintext, aad)


for name, nonce_size, encrypt in (
    ("chacha20-poly1305", 12, lambda key, nonce, p, a: ChaCha20Poly1305(key).encrypt(nonce, p, a)),
    ("xchacha20-poly1305", 24, xchacha_encrypt),
):
    for length in (0, 1, 15, 16, 17, 63, 64, 65, 191, 192, 193, 255, 256, 257, 511, 512, 513, 1350, 4099, 16384):
        key, aad, plaintext = rng.randbytes(32), rng.randbytes(length % 37), rng.randbytes(length)
        nonce = rng.randbytes(nonce_size)
        want = encrypt(key, nonce, plaintext, aad)
        args = ["--key", key.hex(), "--nonce", nonce.hex()] + (["--aad", aad.hex()] if aad else [])
        code, out, err = run(["aead-seal", name] + args, plaintext)
        check(code == 0 and out.decode() == want.hex() + "\n", f"aead-seal {name} len {length}: {out[:60]!r} {err!r}")
        spaced = " ".join(want.hex()[i:i + 7] for i in range(0, len(want.hex()), 7)).upper() + "\n"
        code, out, err = run(["aead-open", name] + args, spaced.encode())
        check(code == 0 and out == plaintext and err == b"", f"aead-open {name} len {length}: {err!r}")
        for flip in (0, len(want) - 1, len(want) // 2):
            bad = bytearray(want)
            bad[flip] ^= 0x01
            code, out, err = run(["aead-open", name] + args, bad.hex().encode())
            check(code == 1 and out == b"" and err.decode().strip() == "authentication failed",
                  f"aead-open {name} len {length} flipped byte {flip}: {code} {out[:40]!r} {err!r}")
    code, out, err = run(["aead-open", name, "--key", "00" * 32, "--nonce", "00" * nonce_size], b"00" * 15)
    check(code == 1 and out == b"" and err.decode().strip() == "authentication failed", f"aead-open {name} shorter than a tag")
    for args in (
        ["--key", "00" * 31, "--nonce", "00" * nonce_size], ["--key", "00" * 16, "--nonce", "00" * nonce_size],
        ["--key", "0g" * 32, "--nonce", "00" * nonce_size], ["--key", "00" * 32, "--nonce", ""],
        ["--key", "00" * 32], ["--nonce", "00" * nonce_size], ["--key", "00" * 32, "--nonce", "0"],
        ["--key", "00" * 32, "--nonce", "00" * nonce_size, "--aad", "xyz"],
        ["--key", "00" * 32, "--nonce", "00" * (nonce_size - 1)], ["--key", "00" * 32, "--nonce", "00" * (nonce_size + 1)],
        ["--key", "00" * 32, "--nonce", "00" * (36 - nonce_size)], ["--key", "00" * 32, "--nonce", "00" * 16],
    ):
        expect_usage_error(["aead-seal", name] + args, b"data", what=f"aead-seal {name} {args}")
        expect_usage_error(["aead-open", name] + args, b"00" * 20, what=f"aead-open {name} {args}")
    expect_usage_error(["aead-open", name, "--key", "00" * 32, "--nonce", "00" * nonce_size], b"00zz" * 10,
                       what=f"aead-open {name} bad hex on stdin")

expect_usage_error(["aead-seal", "aes-192-gcm-nope", "--key", "00" * 16, "--nonce", "00" * 12], b"x")
expect_usage_error(["aead-seal", "--key", "00" * 16, "--nonce", "00" * 12], b"x")

# usage errors: exit 2, one line on stderr, nothing on stdout
for args in (
    [], ["frobnicate"], ["hash"], ["hash", "md5"], ["hash", "sha1"], ["hash", "sha256", "extra"], ["hash", "sha256", "--key", "00"],
    ["hmac", "sha256"], ["hmac", "sha224", "--key", "00"], ["hmac", "sha256", "--key"], ["hmac", "sha256", "--key", "0"],
    ["hmac", "sha256", "--key", "zz"], ["hmac", "sha256", "--key", "00", "--key", "01"], ["hmac", "--key", "00"],
    ["hkdf", "sha256", "--length", "10"], ["hkdf", "sha256", "--ikm", "00"], ["hkdf", "sha256", "--ikm", "0g", "--length", "1"],
    ["hkdf", "sha256", "--ikm", "00", "--salt", "abc", "--length", "1"], ["hkdf", "sha256", "--ikm", "00", "--info", "x", "--length", "1"],
    ["hkdf", "sha256", "--ikm", "00", "--length", "-1"], ["hkdf", "sha256", "--ikm", "00", "--length", "1x"],
    ["hkdf", "sha256", "--ikm", "00", "--length", ""], ["hkdf", "sha256", "--ikm", "00", "--length", "99999999999999999999999"],
    ["hkdf", "md5", "--ikm", "00", "--length", "1"], ["speed", "nosuch"], ["speed", "--seconds", "0"],
):
    expect_usage_error(args, b"data")

# x25519 / ed25519-* against python3-cryptography (OpenSSL underneath: an independent implementation)
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def raw_public(key):
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


for _ in range(8):
    scalar, peer = rng.randbytes(32), rng.randbytes(32)
    ours = X25519PrivateKey.from_private_bytes(scalar)
    peer_public = raw_public(X25519PrivateKey.from_private_bytes(peer))
    code, out, err = run(["x25519", "--scalar", scalar.hex()])
    check(code == 0 and out.decode() == raw_public(ours).hex() + "\n" and err == b"", f"x25519 base point: {out!r} {err!r}")
    code, out, err = run(["x25519", "--scalar", scalar.hex().upper(), f"--point={peer_public.hex()}"])
    want = ours.exchange(X25519PublicKey.from_public_bytes(peer_public)).hex() + "\n"
    check(code == 0 and out.decode() == want and err == b"", f"x25519 shared secret: {out!r} {err!r}")
# The top bit of the point is ignored (RFC 7748 §5).
scalar = rng.randbytes(32)
point = bytearray(raw_public(X25519PrivateKey.from_private_bytes(rng.randbytes(32))))
_, plain, _ = run(["x25519", "--scalar", scalar.hex(), "--point", point.hex()])
point[31] |= 0x80
code, out, _ = run(["x25519", "--scalar", scalar.hex(), "--point", point.hex()])
check(code == 0 and out == plain and plain != b"", "x25519 ignores the top bit of the point")
# Points of small order give an all-zero secret: refused, exit 1, a message on stderr, no output.
for low_order in ("00" * 32, "01" + "00" * 31, "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"):
    code, out, err = run(["x25519", "--scalar", rng.randbytes(32).hex(), "--point", low_order])
    check(code == 1 and out == b"" and err.strip() != b"", f"x25519 low-order point {low_order[:8]}: {code} {out!r} {err!r}")
expect_usage_error(["x25519"])
expect_usage_error(["x25519", "--scalar", "00" * 31])
expect_usage_error(["x25519", "--scalar", "00" * 33])
expect_usage_error(["x25519", "--scalar", "zz" * 32])
expect_usage_error(["x25519", "--scalar", "00" * 32, "--point", "00" * 31])
expect_usage_error(["x25519", "--scalar", "00" * 32, "--point", "0g" * 32])
expect_usage_error(["x25519", "--scalar", "00" * 32, "extra"])
expect_usage_error(["x25519", "--scalar", "00" * 32, "--bogus", "1"])

for m in messages[:8] + [rng.randbytes(1500)]:
    seed = rng.randbytes(32)
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = raw_public(key)
    code, out, err = run(["ed25519-pub", "--seed", seed.hex()])
    check(code == 0 and out.decode() == public.hex() + "\n" and err == b"", f"ed25519-pub: {out!r} {err!r}")
    code, out, err = run(["ed25519-sign", "--seed", seed.hex()], m)
    signature = key.sign(m)  # Ed25519 is deterministic: the same bytes
    check(code == 0 and out.decode() == signature.hex() + "\n" and err == b"", f"ed25519-sign len {len(m)}: {out!r} {err!r}")
    code, out, err = run(["ed25519-verify", "--pub", public.hex(), "--sig", signature.hex()], m)
    check(code == 0 and out == b"ok\n" and err == b"", f"ed25519-verify good len {len(m)}: {code} {out!r} {err!r}")
    for flip in (0, 31, 32, 63):
        bad = bytearray(signature)
        bad[flip] ^= 0x04
        code, out, err = run(["ed25519-verify", "--pub", public.hex(), "--sig", bad.hex()], m)
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(bytes(bad), m)
            reference_ok = True
        except InvalidSignature:
            reference_ok = False
        check(code == 1 and out == b"bad signature\n" and not reference_ok,
              f"ed25519-verify flipped byte {flip} len {len(m)}: {code} {out!r} {err!r}")
    code, out, _ = run(["ed25519-verify", "--pub", public.hex(), "--sig", signature.hex()], m + b"x")
    check(code == 1 and out == b"bad signature\n", f"ed25519-verify other message len {len(m)}")
# S >= L (S + L of a valid signature) and a public key that does not decode are bad signatures.
seed = rng.randbytes(32)
key = Ed25519PrivateKey.from_private_bytes(seed)
signature = key.sign(b"msg")
L = 2**252 + 27742317777372353535851937790883648493
s_plus_l = (int.from_bytes(signature[32:], "little") + L).to_bytes(32, "little")
code, out, _ = run(["ed25519-verify", "--pub", raw_public(key).hex(), "--sig", (signature[:32] + s_plus_l).hex()], b"msg")
check(code == 1 and out == b"bad signature\n", "ed25519-verify S + L")
code, out, _ = run(["ed25519-verify", "--pub", "02" + "00" * 31, "--sig", signature.hex()], b"msg")
check(code == 1 and out == b"bad signature\n", "ed25519-verify public key not on the curve")
for args in ([], ["--seed"], ["--seed", "00" * 31], ["--seed", "00" * 33], ["--seed", "xy" * 32], ["--seed", "00" * 32, "extra"]):
    expect_usage_error(["ed25519-pub"] + args)
    expect_usage_error(["ed25519-sign"] + args, b"message")
good_pub, good_sig = raw_public(key).hex(), signature.hex()
for args in ([], ["--pub", good_pub], ["--sig", good_sig], ["--pub", good_pub[:-2], "--sig", good_sig],
             ["--pub", good_pub, "--sig", good_sig[:-2]], ["--pub", good_pub, "--sig", good_sig + "00"],
             ["--pub", "zz" + good_pub[2:], "--sig", good_sig], ["--pub", good_pub, "--sig", "q" + good_sig[1:]]):
    expect_usage_error(["ed25519-verify"] + args, b"msg")


# --help lists every command
code, out, _ = run(["--help"])
text = out.decode()
check(code == 0 and all(c in text for c in ("hash", "hmac", "hkdf", "aead-seal", "aead-open", "aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305", "--nonce", "--aad", "speed", "--key", "--ikm", "--salt", "--info", "--length", "x25519", "ed25519-pub", "ed25519-sign", "ed25519-verify", "--scalar", "--point", "--seed", "--pub", "--sig", "x509", "verify", "--CAfile", "--untrusted", "--host", "--purpose", "--time", "--crl", "--ocsp", "--pin", "--allow-no-backup-pin", "--profile", "--max-depth", "--email", "genkey", "sign", "verify-sig", "ecdh", "p256", "p384", "--peer", "--key PEM")), "--help lists commands")

# speed runs and prints a row per requested algorithm
code, out, _ = run(["speed", "--seconds", "1", "sha256", "hkdf-sha256", "x25519", "ed25519"])
check(code == 0 and all(n in out for n in (b"sha256", b"hkdf-sha256", b"x25519", b"ed25519")) and b"ops/s" in out, f"speed output: {out!r}")
code, out, _ = run(["speed", "--seconds", "1", "chacha20-poly1305"])
check(code == 0 and b"chacha20-poly1305 seal" in out and b"chacha20-poly1305 open" in out and b"MB/s" in out,
      f"speed chacha20-poly1305 output: {out!r}")

# Large stdin streams in constant memory: 512 MiB through `hash sha256`, peak RSS measured. The
# peak is the program's own (VmHWM, read before stdin ends, while the process still runs): the
# child's ru_maxrss also counts the Python process it was forked from, which grows with this file.
chunk = bytes(range(256)) * 4096  # 1 MiB
total_chunks = 512
p = subprocess.Popen([TOOL, "hash", "sha256"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
reference = hashlib.sha256()
for _ in range(total_chunks):
    p.stdin.write(chunk)
    reference.update(chunk)
p.stdin.flush()
peak_kib = next(int(line.split()[1]) for line in open(f"/proc/{p.pid}/status") if line.startswith("VmHWM:"))
p.stdin.close()
digest = p.stdout.read()
p.wait()
check(p.returncode == 0 and digest.decode() == reference.hexdigest() + "\n", "512 MiB stream digest")
peak_mib = peak_kib / 1024
# Sanitizer builds carry a large fixed runtime; the point is that it does not grow with the input.
limit = 200 if os.environ.get("CARAPACE_SANITIZED") else 32
check(peak_mib < limit, f"512 MiB stream used {peak_mib:.0f} MiB of memory (limit {limit})")

# The sections, each in its own file, in this order.
import tool_test_pq  # noqa: E402,F401
import tool_test_keys  # noqa: E402,F401
import tool_test_x509  # noqa: E402,F401
import tool_test_tls  # noqa: E402,F401
import tool_test_tls_rpk  # noqa: E402,F401
import tool_test_age  # noqa: E402,F401

print(f"{tool_common.passed} passed, {tool_common.failed} failed")
sys.exit(1 if tool_common.failed else 0)
