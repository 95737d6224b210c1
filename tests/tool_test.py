#!/usr/bin/env python3
"""Drives carapace-tool through its documented contract and compares every answer with
Python's own hashlib/hmac and python3-cryptography (independent implementations). Prints 'N passed, N failed'."""
import hashlib
import hmac
import os
import random
import struct
import re
import subprocess
import sys

TOOL = sys.argv[1]
passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}", file=sys.stderr)


def run(args, stdin=b""):
    p = subprocess.run([TOOL] + args, input=stdin, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def expect_usage_error(args, stdin=b"", what=None):
    code, out, err = run(args, stdin)
    what = what or " ".join(args)
    check(code == 2, f"{what}: exit status {code}, want 2")
    check(out == b"", f"{what}: stdout not empty: {out[:80]!r}")
    lines = err.decode(errors="replace").strip().splitlines()
    check(len(lines) == 1 and lines[0].strip() != "", f"{what}: want one stderr line, got {err!r}")


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


# x509 and verify, against the fixtures of tests/x509/make_fixtures.sh and the openssl command
# line's reading of them (when openssl is installed; scripts/test installs it).
import shutil
import json
X509 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "x509")
def fixture(name):
    return os.path.join(X509, name + ".pem")
expected = json.load(open(os.path.join(X509, "expected.json")))
have_openssl = shutil.which("openssl") is not None
check(have_openssl, "openssl command line available for the x509 checks")
for name in ("root", "intermediate", "leaf"):
    code, out, err = run(["x509", fixture(name)])
    fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
    want = expected[name]
    check(code == 0 and list(fields) == ["subject", "issuer", "serial", "not_before", "not_after", "key", "san", "is_ca",
                                         "path_length", "key_usage", "ext_key_usage", "subject_key_id",
                                         "authority_key_id", "name_constraints", "must_staple"],
          f"x509 {name}: keys {list(fields)}")
    check(fields.get("path_length") == str(want["path_length"]) if want["path_length"] >= 0 else fields.get("path_length") == "none",
          f"x509 {name}: path_length {fields.get('path_length')}")
    if have_openssl:
        # keyUsage, extendedKeyUsage and the key identifiers as openssl reads them.
        text = subprocess.run(["openssl", "x509", "-in", fixture(name), "-noout", "-text"], capture_output=True, text=True).stdout
        openssl_usage = {"Digital Signature": "digitalSignature", "Certificate Sign": "keyCertSign", "CRL Sign": "cRLSign",
                         "Key Encipherment": "keyEncipherment", "Non Repudiation": "nonRepudiation"}
        m = re.search(r"X509v3 Key Usage:.*\n\s*(.*)", text)
        usage = ", ".join(openssl_usage[u.strip()] for u in m.group(1).split(",")) if m else "none"
        check(fields.get("key_usage") == usage, f"x509 {name}: key_usage {fields.get('key_usage')!r} vs {usage!r}")
        m = re.search(r"X509v3 Extended Key Usage:.*\n\s*(.*)", text)
        eku = ", ".join({"TLS Web Server Authentication": "serverAuth", "TLS Web Client Authentication": "clientAuth"}[u.strip()]
                        for u in m.group(1).split(",")) if m else "none"
        check(fields.get("ext_key_usage") == eku, f"x509 {name}: ext_key_usage {fields.get('ext_key_usage')!r} vs {eku!r}")
        m = re.search(r"X509v3 Subject Key Identifier:.*\n\s*(.*)", text)
        ski = m.group(1).replace(":", "").strip() if m else "none"
        check(fields.get("subject_key_id") == ski, f"x509 {name}: subject_key_id")
    check(fields.get("must_staple") == "no", f"x509 {name}: must_staple")
    check(fields.get("serial", "").lower() == want["serial"], f"x509 {name}: serial {fields.get('serial')}")
    check(fields.get("not_before") == str(want["not_before"]) and fields.get("not_after") == str(want["not_after"]),
          f"x509 {name}: validity")
    check(fields.get("is_ca") == ("true" if want["is_ca"] else "false"), f"x509 {name}: is_ca")
    check(fields.get("key") == "ed25519/256", f"x509 {name}: key {fields.get('key')}")
    check(fields.get("san", "").replace(" ", "").replace("IP:", "IPAddress:") == want["san"], f"x509 {name}: san {fields.get('san')}")
    if have_openssl:
        for field in ("subject", "issuer"):
            o = subprocess.run(["openssl", "x509", "-in", fixture(name), "-noout", "-" + field], capture_output=True, text=True)
            check(o.stdout.strip() == field + "=" + fields.get(field, ""), f"x509 {name}: {field} {fields.get(field)!r} vs {o.stdout.strip()!r}")
code, out, _ = run(["x509", fixture("must_staple")])
fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
check(code == 0 and fields.get("must_staple") == "yes", "x509 must_staple: must_staple yes")
code, out, _ = run(["x509", fixture("intermediate")])
fields = dict(line.split(": ", 1) for line in out.decode().splitlines())
check(fields.get("name_constraints") == "permitted: DNS:example.com, IP:192.0.2.0/255.255.255.0; excluded: DNS:bad.example.com",
      f"x509 intermediate: name_constraints {fields.get('name_constraints')!r}")
expect_usage_error(["x509"])
expect_usage_error(["x509", os.path.join(X509, "missing.pem")])
expect_usage_error(["x509", os.path.join(X509, "expected.json")])  # no CERTIFICATE block

now = expected["leaf"]["not_before"] + 86400
def verify(leaf, untrusted=None, host="www.example.com", purpose=None, ca="root", time=now):
    args = ["verify", "--CAfile", fixture(ca), "--time", str(time)]
    if untrusted:
        args += ["--untrusted", fixture(untrusted)]
    if host:
        args += ["--host", host]
    if purpose:
        args += ["--purpose", purpose]
    code, out, err = run(args + [fixture(leaf)])
    return code, out.decode()
for args, want in [
    (dict(leaf="leaf", untrusted="intermediate"), "ok"),
    (dict(leaf="leaf", untrusted="intermediate", host="192.0.2.7"), "ok"),
    (dict(leaf="leaf", untrusted="intermediate", host=None, purpose="client"), "ok"),
    (dict(leaf="leaf"), "error: unknown issuer"),
    (dict(leaf="leaf", untrusted="intermediate", host="other.example.com"), "error: hostname mismatch"),
    (dict(leaf="leaf", untrusted="intermediate", time=expected["leaf"]["not_after"] + 1), "error: expired"),
    (dict(leaf="leaf", untrusted="intermediate", time=expected["leaf"]["not_before"] - 1), "error: not yet valid"),
    (dict(leaf="forged_leaf", untrusted="intermediate"), "error: bad signature"),
    (dict(leaf="not_ca_leaf", untrusted="not_ca"), "error: not a CA"),
    (dict(leaf="outside_leaf", untrusted="intermediate", host="www.example.org"), "error: name constraint violation"),
    (dict(leaf="critical_leaf", untrusted="intermediate"), "error: unsupported critical extension"),
    (dict(leaf="client_leaf", untrusted="intermediate"), "error: wrong purpose"),
    (dict(leaf="ecdsa_leaf", untrusted="ecdsa_intermediate"), "error: unsupported algorithm"),
    (dict(leaf="leaf", untrusted="intermediate_cross", ca="root2"), "ok"),
]:
    code, out = verify(**args)
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify {args}: {code} {out!r}, want {want!r}")
# Fixtures of the later scripts (tests/x509/make_*_fixtures.sh) are checked a day after the
# leaf's notBefore, which `x509` reads out.
def issued_at(name):
    out = run(["x509", fixture(name)])[1].decode()
    return int(dict(line.split(": ", 1) for line in out.splitlines())["not_before"])
def verify_fixture(leaf, ca, untrusted=(), host="www.example.com", extra=()):
    bundle = None
    args = ["verify", "--CAfile", fixture(ca), "--time", str(issued_at(leaf) + 86400)] + list(extra)
    if untrusted:
        import tempfile
        bundle = tempfile.NamedTemporaryFile(suffix=".pem")
        for name in untrusted:
            bundle.write(open(fixture(name), "rb").read())
        bundle.flush()
        args += ["--untrusted", bundle.name]
    if host:
        args += ["--host", host]
    code, out, err = run(args + [fixture(leaf)])
    return code, out.decode()
# Name constraints on every form (make_constraint_fixtures.sh); openssl verify agrees with each.
for leaf, ca, untrusted, want in [
    ("email_good", "email_root", (), "ok"), ("email_evil", "email_root", (), "error: name constraint violation"),
    ("email_subject", "email_root", (), "error: name constraint violation"),
    ("dir_good", "dir_root", (), "ok"), ("dir_evil", "dir_root", (), "error: name constraint violation"),
    ("dir_san", "dir_root", (), "error: name constraint violation"),
    ("uri_good", "uri_root", (), "ok"), ("uri_evil", "uri_root", (), "error: name constraint violation"),
    ("uri_no_host", "uri_root", (), "error: name constraint violation"),
    ("other_named", "other_root", (), "error: name constraint violation"), ("other_unnamed", "other_root", (), "ok"),
    ("self_leaf", "self_root", ("self_ca", "self_rekeyed"), "ok"),
]:
    code, out = verify_fixture("constraints/" + leaf, "constraints/" + ca, ["constraints/" + u for u in untrusted])
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify {leaf}: {code} {out!r}, want {want!r}")
# Path building is bounded (make_path_fixtures.sh): loops of CAs that all verify each other, a
# hundred intermediates with one subject and key, and exponentially many paths are refused in well
# under 50 ms of CPU each; a bridge PKI of 35 intermediates verifies.
import resource
def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
for name, want in (("loop", "error: unknown issuer"), ("chain", "error: unknown issuer"),
                   ("mesh", "error: verification budget exhausted")):
    leaf = "paths/" + name + "_leaf"
    args = ["verify", "--CAfile", fixture("root"), "--untrusted", fixture("paths/" + name + "_cas"), "--host",
            "www.example.com", "--time", str(issued_at(leaf) + 86400), fixture(leaf)]
    before = child_cpu()
    code, out, _ = run(args)
    cpu = child_cpu() - before
    check(code == 1 and out.decode() == want + "\n", f"verify {name}: {code} {out!r}, want {want!r}")
    check(cpu < 0.05, f"verify {name}: {cpu * 1000:.1f} ms of CPU")
code, out = verify_fixture("paths/bridge_leaf", "paths/bridge_anchor", ["paths/bridge_cas"])
check(code == 0 and out == "ok\n", f"verify through a bridge PKI: {code} {out!r}")
# A leaf or intermediates file that can be read but holds no well-formed certificate is a
# verification result (exit 1), like garbage inside valid armour; exit 2 stays for arguments and
# files that cannot be read.
import tempfile
leaf_pem = open(fixture("leaf")).read()
intermediate_pem = open(fixture("intermediate")).read()
body = leaf_pem.split("-----BEGIN CERTIFICATE-----\n")[1].split("-----END CERTIFICATE-----")[0]
for what, text in (("no END line", leaf_pem.replace("-----END CERTIFICATE-----\n", "")),
                   ("no BEGIN line", leaf_pem.replace("-----BEGIN CERTIFICATE-----\n", "")),
                   ("a mismatched END label", leaf_pem.replace("END CERTIFICATE", "END CERTIFICATX")),
                   ("bad base64", leaf_pem.replace(body[:8], "!!!!!!!!")),
                   ("garbage in valid armour", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                   ("no CERTIFICATE block", "just text\n")):
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as broken:
        broken.write(text)
        broken.flush()
        args = ["verify", "--CAfile", fixture("root"), "--untrusted", fixture("intermediate"), "--time", str(now)]
        code, out, err = run(args + [broken.name])
        check(code == 1 and out == b"error: malformed certificate\n" and err == b"",
              f"verify on a leaf with {what}: {code} {out!r} {err!r}")
        code, out, err = run(["verify", "--CAfile", fixture("root"), "--untrusted", broken.name, "--time", str(now),
                              fixture("leaf")])
        check(code == 1 and out == b"error: malformed certificate\n",
              f"verify with intermediates with {what}: {code} {out!r} {err!r}")
expect_usage_error(["verify", "--CAfile", fixture("root"), X509])  # a directory: unreadable
expect_usage_error(["verify", "--CAfile", fixture("root"), "--untrusted", os.path.join(X509, "missing.pem"), fixture("leaf")])
# Profiles (make_profile_fixtures.sh): the Web PKI's by default, RFC 5280's on request; the
# reason names the rule.
for leaf, want, want_rfc5280 in [
    ("good", "ok", "ok"), ("weak_rsa", "error: weak key", "ok"), ("weak_dsa", "error: weak key", "ok"),
    ("underscore_dns", "error: profile violation: invalid DNS name in subjectAltName", "ok"),
    ("serial_zero", "error: profile violation: serial number zero or negative", "ok"),
    ("leaf_is_ca", "error: profile violation: CA certificate as end entity", "ok"),
    ("critical_authority_key_id", "error: profile violation: critical authority key identifier",
     "error: profile violation: critical authority key identifier"),
]:
    for extra, expected in (([], want), (["--profile", "webpki"], want), (["--profile", "rfc5280"], want_rfc5280)):
        code, out = verify_fixture("profile/" + leaf, "profile/root", extra=extra)
        check(code == (0 if expected == "ok" else 1) and out == expected + "\n",
              f"verify {leaf} {extra}: {code} {out!r}, want {expected!r}")
code, out = verify_fixture("profile/ca_basic_constraints_not_critical_leaf", "profile/root",
                           ["profile/ca_basic_constraints_not_critical"])
check(code == 1 and out == "error: profile violation: non-critical basicConstraints on a CA\n", f"verify CA rule: {out!r}")
# --max-depth counts the certificates of a path, anchor included.
for depth, want in (("2", "error: path too long"), ("3", "ok"), ("16", "ok")):
    code, out, _ = run(["verify", "--CAfile", fixture("root"), "--untrusted", fixture("intermediate"), "--time", str(now),
                        "--max-depth", depth, fixture("leaf")])
    check(code == (0 if want == "ok" else 1) and out.decode() == want + "\n", f"verify --max-depth {depth}: {code} {out!r}")
# --email: an address the leaf names, compared as RFC 5280 says (the domain without case).
for email, want in (("alice@allowed.example", "ok"), ("alice@ALLOWED.example", "ok"),
                    ("bob@allowed.example", "error: email address mismatch")):
    code, out = verify_fixture("constraints/email_good", "constraints/email_root", extra=["--email", email])
    check(code == (0 if want == "ok" else 1) and out == want + "\n", f"verify --email {email}: {code} {out!r}")
for args in (["--max-depth", "0"], ["--max-depth", "17"], ["--max-depth", "two"], ["--profile", "strict"],
             ["--profile", ""], ["--email", ""]):
    expect_usage_error(["verify", "--CAfile", fixture("root")] + args + [fixture("leaf")])
expect_usage_error(["verify", fixture("leaf")])  # no --CAfile
expect_usage_error(["verify", "--CAfile", fixture("root"), "--time", "soon", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), "--purpose", "email", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), os.path.join(X509, "missing.pem")])
expect_usage_error(["verify", "--CAfile", fixture("root"), fixture("leaf"), fixture("leaf")])
# Files are read with a size limit: an endless one is an unreadable file (one line, status 2), not
# an allocation failure.
expect_usage_error(["verify", "--CAfile", "/dev/zero", fixture("leaf")])
expect_usage_error(["verify", "--CAfile", fixture("root"), "--untrusted", "/dev/zero", fixture("leaf")])
expect_usage_error(["x509", "/dev/zero"])
expect_usage_error(["x509", X509])  # a directory
code, _, err = run(["verify", "--CAfile", "/dev/zero", fixture("leaf")])
check(b"/dev/zero" in err and b"larger than" in err, f"verify --CAfile /dev/zero says why: {err!r}")

# verify with revocation (--crl, --ocsp) and pins (--pin), against the fixtures of
# tests/x509/make_revocation_fixtures.sh and the times and pins openssl computed for them.
import tempfile
REVOCATION = os.path.join(X509, "revocation")
revocation = json.load(open(os.path.join(REVOCATION, "revocation.json")))
def rfile(name):
    return os.path.join(REVOCATION, name)
with tempfile.TemporaryDirectory() as scratch:
    # The CA and its delegated CRL signers in one --untrusted file.
    with_signers = os.path.join(scratch, "ca_and_signers.pem")
    with open(with_signers, "wb") as out:
        for name in ("ca.pem", "crl_signer.pem", "crl_signer_no_crlsign.pem"):
            out.write(open(rfile(name), "rb").read())
    two_crls = os.path.join(scratch, "two.pem")
    with open(two_crls, "wb") as out:
        out.write(open(rfile("crl_root_revokes_ca.pem"), "rb").read() + open(rfile("crl.pem"), "rb").read())
    garbage = os.path.join(scratch, "garbage.der")
    with open(garbage, "wb") as out:
        out.write(b"\x30\x03\x02\x01\x00")

    def rverify(leaf, *extra, time=revocation["now"], untrusted=rfile("ca.pem")):
        code, out, err = run(["verify", "--CAfile", rfile("root.pem"), "--untrusted", untrusted, "--time", str(time)]
                             + list(extra) + [rfile(leaf)])
        return code, out.decode()
    pin = {name: "sha256//" + value for name, value in revocation["pins"].items()}
    for leaf, extra, want, kwargs in [
        ("leaf.pem", [], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem")], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl.der")], "ok", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl.pem")], "error: revoked", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl.der")], "error: revoked", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem")], "error: revocation unknown", {"time": revocation["stale"]}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_future.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_wrong_signer.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_critical.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_entry_critical.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--crl", rfile("crl_no_next_update.der")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_delegated.pem")], "error: revoked", {"untrusted": with_signers}),
        ("leaf.pem", ["--crl", rfile("crl_delegated.pem")], "ok", {"untrusted": with_signers}),
        ("leaf.pem", ["--crl", rfile("crl_delegated.pem")], "error: revocation unknown", {}),
        ("leaf.pem", ["--crl", rfile("crl_delegated_no_crlsign.pem")], "error: revocation unknown", {"untrusted": with_signers}),
        # The root's CRL revokes the CA: the path fails though the leaf itself is good.
        ("leaf.pem", ["--crl", rfile("crl.pem"), "--crl", rfile("crl_root_revokes_ca.pem")], "error: revoked", {}),
        ("leaf.pem", ["--crl", two_crls], "error: revoked", {}),
        ("leaf.pem", ["--crl", rfile("crl.pem"), "--crl", rfile("crl_root.pem")], "ok", {}),
        ("dp_leaf.pem", ["--crl", rfile("crl_partition.pem")], "ok", {}),
        ("leaf.pem", ["--crl", rfile("crl_partition.pem")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--crl", rfile("crl_some_reasons.pem")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good_sha256.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good_by_key.der")], "ok", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_delegated.der")], "ok", {}),
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_revoked.der")], "error: revoked", {}),
        ("other_leaf.pem", ["--ocsp", rfile("ocsp_unknown.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "error: revocation unknown", {"time": revocation["stale"]}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_wrong_signer.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_delegated_no_eku.der")], "error: revocation unknown", {}),
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_good.der")], "error: revocation unknown", {}),  # CertID mismatch
        ("leaf.pem", ["--ocsp", garbage], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_critical_single.der")], "error: revocation unknown", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_critical_response.der")], "error: revocation unknown", {}),
        # OCSP and CRLs together: revoked from either wins, good from either suffices.
        ("revoked_leaf.pem", ["--ocsp", rfile("ocsp_good.der"), "--crl", rfile("crl.pem")], "error: revoked", {}),
        ("leaf.pem", ["--ocsp", rfile("ocsp_good.der"), "--crl", rfile("crl_future.pem")], "ok", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--pin", pin["other_leaf"]], "ok", {}),
        ("leaf.pem", ["--pin", pin["other_leaf"], "--pin", pin["root"]], "ok", {}),
        ("leaf.pem", ["--pin", pin["other_leaf"]], "error: pin mismatch", {}),
        ("leaf.pem", ["--pin", pin["leaf"]], "error: no backup pin", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--pin", pin["ca"]], "error: no backup pin", {}),
        ("leaf.pem", ["--pin", pin["leaf"], "--allow-no-backup-pin"], "ok", {}),
        ("leaf.pem", ["--pin", "pin-sha256=\"" + revocation["pins"]["ca"] + "\"", "--pin", pin["other_leaf"]], "ok", {}),
    ]:
        code, out = rverify(leaf, *extra, **kwargs)
        check(code == (0 if want == "ok" else 1) and out == want + "\n",
              f"verify {leaf} {extra} {kwargs}: {code} {out!r}, want {want!r}")
    base = ["verify", "--CAfile", rfile("root.pem"), "--untrusted", rfile("ca.pem")]
    expect_usage_error(base + ["--crl", rfile("missing.pem"), rfile("leaf.pem")])
    expect_usage_error(base + ["--crl", rfile("root.pem"), rfile("leaf.pem")])  # no X509 CRL block
    expect_usage_error(base + ["--crl", garbage, rfile("leaf.pem")])  # not a CRL
    expect_usage_error(base + ["--ocsp", rfile("missing.der"), rfile("leaf.pem")])
    expect_usage_error(base + ["--ocsp", rfile("ocsp_good.der"), "--ocsp", rfile("ocsp_good.der"), rfile("leaf.pem")])
    expect_usage_error(base + ["--pin", "sha256//abc", rfile("leaf.pem")])
    expect_usage_error(base + ["--pin", revocation["pins"]["leaf"], rfile("leaf.pem")])
    expect_usage_error(base + ["--allow-no-backup-pin", rfile("leaf.pem")])
    if have_openssl:
        # openssl agrees on the CRL and OCSP fixtures it can check on its own.
        chain = os.path.join(scratch, "chain.pem")
        with open(chain, "wb") as out:
            out.write(open(rfile("root.pem"), "rb").read() + open(rfile("ca.pem"), "rb").read())
        for leaf, want in (("leaf.pem", 0), ("revoked_leaf.pem", 2)):
            o = subprocess.run(["openssl", "verify", "-crl_check", "-attime", str(revocation["now"]), "-CAfile", chain,
                                "-CRLfile", rfile("crl.pem"), rfile(leaf)], capture_output=True)
            check((o.returncode == 0) == (want == 0), f"openssl verify -crl_check {leaf}: {o.returncode}")
        for response, leaf, status in (("ocsp_good.der", "leaf.pem", b": good"), ("ocsp_revoked.der", "revoked_leaf.pem", b": revoked"),
                                       ("ocsp_delegated.der", "leaf.pem", b": good")):
            o = subprocess.run(["openssl", "ocsp", "-respin", rfile(response), "-CAfile", chain, "-issuer", rfile("ca.pem"),
                                "-cert", rfile(leaf), "-attime", str(revocation["now"])], capture_output=True)
            check(status in o.stdout and b"Response verify OK" in o.stderr, f"openssl ocsp {response}: {o.stdout!r} {o.stderr!r}")

# --help lists every command
code, out, _ = run(["--help"])
text = out.decode()
check(code == 0 and all(c in text for c in ("hash", "hmac", "hkdf", "aead-seal", "aead-open", "aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305", "--nonce", "--aad", "speed", "--key", "--ikm", "--salt", "--info", "--length", "x25519", "ed25519-pub", "ed25519-sign", "ed25519-verify", "--scalar", "--point", "--seed", "--pub", "--sig", "x509", "verify", "--CAfile", "--untrusted", "--host", "--purpose", "--time", "--crl", "--ocsp", "--pin", "--allow-no-backup-pin", "--profile", "--max-depth", "--email")), "--help lists commands")

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

# s_client and s_server: the usage errors, then one echo over loopback with the test PKI (the
# interop with OpenSSL and GnuTLS is tests/tls/interop.py).
import socket
import time
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
             ["s_client", "--connect", "localhost:1", "--groups", "secp256r1"],
             ["s_client", "--connect", "localhost:1", "--ciphersuites", "TLS_AES_128_CCM_SHA256"],
             ["s_client", "--connect", "localhost:1", "--CAfile", tls_file("missing.pem")],
             ["s_client", "--connect", "localhost:1", "--insecure", "--CAfile", tls_file("root.pem")],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("client.pem")],
             ["s_client", "--connect", "localhost:1", "--cert", tls_file("client.pem"), "--key", tls_file("server.key")],
             ["s_server", "--cert", tls_file("server.pem"), "--key", tls_file("server.key")],
             server_args[:5] + ["--key", tls_file("missing.key")],
             server_args + ["--verify-client"], server_args + ["--num-conns", "0"],
             server_args + ["--groups", "X25519MLKEM768"], server_args + ["--alpn", ""],
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
          fields.get("group") == "x25519" and fields.get("hrr") == "no" and fields.get("alpn") == "echo" and
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
import tempfile
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
            self.p = subprocess.Popen([TOOL, "s_server", "--accept", f"127.0.0.1:{self.port}", "--cert",
                                       tls_file(cert + ".pem") if cert == "server" else cert + ".pem", "--key",
                                       tls_file(cert + ".key") if cert == "server" else cert + ".key"] + extra,
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
from cryptography.hazmat.primitives import hashes, serialization
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

import shutil as _shutil
_shutil.rmtree(SCRATCH, ignore_errors=True)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
