#!/usr/bin/env python3
"""Drives carapace-tool through its documented contract and compares every answer with
Python's own hashlib/hmac (an independent implementation). Prints 'N passed, N failed'."""
import hashlib
import hmac
import os
import random
import struct
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

# --help lists every command
code, out, _ = run(["--help"])
text = out.decode()
check(code == 0 and all(c in text for c in ("hash", "hmac", "hkdf", "aead-seal", "aead-open", "aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "xchacha20-poly1305", "--nonce", "--aad", "speed", "--key", "--ikm", "--salt", "--info", "--length")), "--help lists commands")

# speed runs and prints a row per requested algorithm
code, out, _ = run(["speed", "--seconds", "1", "sha256", "hkdf-sha256"])
check(code == 0 and b"sha256" in out and b"hkdf-sha256" in out and b"ops/s" in out, f"speed output: {out!r}")
code, out, _ = run(["speed", "--seconds", "1", "chacha20-poly1305"])
check(code == 0 and b"chacha20-poly1305 seal" in out and b"chacha20-poly1305 open" in out and b"MB/s" in out,
      f"speed chacha20-poly1305 output: {out!r}")

# Large stdin streams in constant memory: 512 MiB through `hash sha256`, peak RSS measured.
chunk = bytes(range(256)) * 4096  # 1 MiB
total_chunks = 512
p = subprocess.Popen([TOOL, "hash", "sha256"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
reference = hashlib.sha256()
for _ in range(total_chunks):
    p.stdin.write(chunk)
    reference.update(chunk)
p.stdin.close()
digest = p.stdout.read()
_, status, usage = os.wait4(p.pid, 0)
p.returncode = 0
check(os.waitstatus_to_exitcode(status) == 0 and digest.decode() == reference.hexdigest() + "\n", "512 MiB stream digest")
peak_mib = usage.ru_maxrss / 1024
# Sanitizer builds carry a large fixed runtime; the point is that it does not grow with the input.
limit = 200 if os.environ.get("CARAPACE_SANITIZED") else 32
check(peak_mib < limit, f"512 MiB stream used {peak_mib:.0f} MiB of memory (limit {limit})")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
