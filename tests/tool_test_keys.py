"""carapace-tool genkey, sign, verify-sig and ecdh against the openssl command line: our keys read
by `openssl pkey`, our signatures checked by `openssl dgst -verify` / `pkeyutl -verify`, openssl's
signatures checked by us, shared secrets compared with `openssl pkeyutl -derive` both ways, and
bad keys, points and arguments refused with one line on stderr. Run by tool_test.py."""

import os
import shutil
import subprocess
import tempfile

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tool_common import check, expect_usage_error, run

have_openssl = shutil.which("openssl") is not None
check(have_openssl, "openssl command line available for the key checks")

work = tempfile.mkdtemp(prefix="carapace-keys-")


def path(name):
    return os.path.join(work, name)


def openssl(*args, stdin=b""):
    p = subprocess.run(["openssl", *args], input=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


def public_der(key_file):
    return openssl("pkey", "-in", key_file, "-pubout", "-outform", "DER")[1]


def expect_failure(args, stdin=b"", what=None):
    """Exit 1 with one line on stderr and nothing on stdout (the operation ran and failed)."""
    code, out, err = run(args, stdin)
    what = what or " ".join(args)
    lines = err.decode(errors="replace").strip().splitlines()
    check(code == 1 and out == b"" and len(lines) == 1, f"{what}: {code} {out!r} {err!r}")


# Curve names as `openssl pkey -text` prints them, the digest each signs with, the SPKI point size.
EC = {"p256": ("prime256v1", "sha256", 65), "p384": ("secp384r1", "sha384", 97)}
messages = [b"", b"abc", bytes(range(256)) * 40]

if have_openssl:
    # genkey: openssl reads each key, re-encodes it byte for byte the same, and two keys differ.
    for kind, openssl_name in (("ed25519", "ED25519"), ("x25519", "X25519"), ("p256", "prime256v1"), ("p384", "secp384r1")):
        code, pem_text, err = run(["genkey", kind])
        code2, pem_text2, _ = run(["genkey", kind])
        check(code == 0 and code2 == 0 and err == b"" and pem_text.startswith(b"-----BEGIN PRIVATE KEY-----\n"),
              f"genkey {kind}: {code} {err!r}")
        check(pem_text != pem_text2, f"genkey {kind}: two keys differ")
        key_file = write(f"ours_{kind}.pem", pem_text)
        rc, text, _ = openssl("pkey", "-in", key_file, "-noout", "-text")
        check(rc == 0 and openssl_name.encode() in text, f"genkey {kind}: openssl pkey reads it: {text[:80]!r}")
        rc, again, _ = openssl("pkey", "-in", key_file)
        check(rc == 0 and again == pem_text, f"genkey {kind}: openssl writes the same PKCS#8 back")
        write(f"ours_{kind}.pub", openssl("pkey", "-in", key_file, "-pubout")[1])
    for args in ([], ["rsa"], ["rsa1024"], ["P-256"], ["p256", "p384"], ["p256", "--bogus"]):
        expect_usage_error(["genkey"] + args)
    # genkey rsa*: openssl checks the key (`pkey -check`: p, q prime, n = p q, d and the CRT
    # values right), writes the same PKCS#8 back, and verifies what we sign with it.
    for bits in (2048, 3072, 4096):
        code, pem_text, err = run(["genkey", f"rsa{bits}"])
        check(code == 0 and err == b"" and pem_text.startswith(b"-----BEGIN PRIVATE KEY-----\n"),
              f"genkey rsa{bits}: {code} {err!r}")
        key_file = write(f"ours_rsa{bits}.pem", pem_text)
        rc, text, err = openssl("pkey", "-in", key_file, "-check", "-noout", "-text")
        check(rc == 0 and f"Private-Key: ({bits} bit, 2 primes)".encode() in text and b"publicExponent: 65537" in text
              and b"valid" in text + err, f"genkey rsa{bits}: openssl pkey -check: {text[:80]!r} {err!r}")
        rc, again, _ = openssl("pkey", "-in", key_file)
        check(rc == 0 and again == pem_text, f"genkey rsa{bits}: openssl writes the same PKCS#8 back")
        msg_file = write("message", b"genkey")
        code, out, _ = run(["sign", "--key", key_file], b"genkey")
        write("ours_rsa.pub", openssl("pkey", "-in", key_file, "-pubout")[1])
        rc, verdict, _ = openssl("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                                 "-verify", path("ours_rsa.pub"), "-signature",
                                 write("sig", bytes.fromhex(out.decode().strip()) if code == 0 else b""), msg_file)
        check(rc == 0 and b"Verified OK" in verdict, f"genkey rsa{bits}: a signature openssl verifies")

    # Keys openssl made, in both EC forms: PKCS#8 and RFC 5915 "EC PRIVATE KEY".
    for kind, (curve, _, _) in EC.items():
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-out", path(f"theirs_{kind}.pem"))
        openssl("ecparam", "-genkey", "-name", curve, "-noout", "-out", path(f"sec1_{kind}.pem"))
        for name in (f"theirs_{kind}", f"sec1_{kind}"):
            write(f"{name}.pub", openssl("pkey", "-in", path(f"{name}.pem"), "-pubout")[1])
    openssl("genpkey", "-algorithm", "ed25519", "-out", path("theirs_ed25519.pem"))
    write("theirs_ed25519.pub", openssl("pkey", "-in", path("theirs_ed25519.pem"), "-pubout")[1])

    # sign -> openssl verifies; ECDSA is hedged (two signatures differ), Ed25519 is openssl's own.
    for name in ("ours_p256", "ours_p384", "theirs_p256", "theirs_p384", "sec1_p256", "sec1_p384"):
        digest = EC[name[-4:]][1]
        for m in messages:
            msg_file = write("message", m)
            code, out, err = run(["sign", "--key", path(name + ".pem")], m)
            ok = code == 0 and err == b"" and out.endswith(b"\n")
            sig_file = write("sig.der", bytes.fromhex(out.decode().strip()) if ok else b"")
            rc, verdict, _ = openssl("dgst", f"-{digest}", "-verify", path(name + ".pub"), "-signature", sig_file, msg_file)
            check(ok and rc == 0 and b"Verified OK" in verdict, f"sign {name} len {len(m)}: openssl says {verdict!r} {err!r}")
        _, first, _ = run(["sign", "--key", path(name + ".pem")], b"same")
        _, second, _ = run(["sign", "--key", path(name + ".pem")], b"same")
        check(first != second, f"sign {name}: hedged signatures differ")
    # (python3-cryptography signs here: `openssl pkeyutl -rawin` of OpenSSL 3.0 refuses an empty message.)
    for name in ("ours_ed25519", "theirs_ed25519"):
        key = load_pem_private_key(open(path(name + ".pem"), "rb").read(), None)
        for m in messages:
            code, out, _ = run(["sign", "--key", path(name + ".pem")], m)
            check(code == 0 and out.decode() == key.sign(m).hex() + "\n", f"sign {name} len {len(m)}: {out!r}")

    # openssl signs -> verify-sig, with the public key or a certificate of it; flips are refused.
    for name in ("theirs_p256", "theirs_p384", "ours_p256", "ours_p384"):
        digest = EC[name[-4:]][1]
        openssl("req", "-x509", "-new", "-key", path(name + ".pem"), "-subj", "/CN=verify-sig", "-days", "2",
                "-out", path(name + ".crt"))
        for m in messages:
            msg_file = write("message", m)
            sig = openssl("dgst", f"-{digest}", "-sign", path(name + ".pem"), msg_file)[1]
            for pub in (path(name + ".pub"), path(name + ".crt")):
                code, out, err = run(["verify-sig", "--pub", pub, "--sig", sig.hex()], m)
                check(code == 0 and out == b"ok\n" and err == b"", f"verify-sig {name} {pub[-3:]} len {len(m)}: {code} {out!r} {err!r}")
            bad = bytearray(sig)
            bad[-1] ^= 1
            code, out, _ = run(["verify-sig", "--pub", path(name + ".pub"), "--sig", bad.hex()], m)
            check(code == 1 and out == b"bad signature\n", f"verify-sig {name} flipped: {code} {out!r}")
            code, out, _ = run(["verify-sig", "--pub", path(name + ".pub"), "--sig", sig.hex()], m + b"x")
            check(code == 1 and out == b"bad signature\n", f"verify-sig {name} other message: {code} {out!r}")
        # Not DER, r||s instead of DER, the other curve's key, empty: bad signatures, not errors.
        other = path(("theirs_p384" if name.endswith("p256") else "theirs_p256") + ".pub")
        sig = openssl("dgst", f"-{digest}", "-sign", path(name + ".pem"), write("message", b"m"))[1]
        for args, what in ((["--pub", path(name + ".pub"), "--sig", "30" + sig.hex()[2:-2]], "truncated DER"),
                           (["--pub", path(name + ".pub"), "--sig", "00" * (64 if name.endswith("p256") else 96)], "r||s"),
                           (["--pub", other, "--sig", sig.hex()], "other curve"),
                           (["--pub", path(name + ".pub"), "--sig", ""], "empty")):
            code, out, _ = run(["verify-sig"] + args, b"m")
            check(code == 1 and out == b"bad signature\n", f"verify-sig {name} {what}: {code} {out!r}")
    sig = openssl("pkeyutl", "-sign", "-rawin", "-inkey", path("theirs_ed25519.pem"), "-in", write("message", b"m"))[1]
    code, out, _ = run(["verify-sig", "--pub", path("theirs_ed25519.pub"), "--sig", sig.hex()], b"m")
    check(code == 0 and out == b"ok\n", f"verify-sig Ed25519: {code} {out!r}")
    code, out, _ = run(["verify-sig", "--pub", path("theirs_ed25519.pub"), "--sig", sig.hex()], b"n")
    check(code == 1 and out == b"bad signature\n", f"verify-sig Ed25519 other message: {code} {out!r}")

    # ecdh both ways against openssl pkeyutl -derive, uncompressed and compressed peers, X25519 too.
    for kind, (curve, _, point_size) in EC.items():
        for ours in (f"ours_{kind}", f"sec1_{kind}"):
            peer = f"theirs_{kind}"
            peer_point = public_der(path(peer + ".pem"))[-point_size:]
            rc, want, _ = openssl("pkeyutl", "-derive", "-inkey", path(peer + ".pem"), "-peerkey", path(ours + ".pub"))
            code, out, err = run(["ecdh", "--key", path(ours + ".pem"), "--peer", peer_point.hex()])
            check(rc == 0 and code == 0 and out.decode() == want.hex() + "\n" and err == b"", f"ecdh {ours}: {out!r} {err!r}")
            compressed = bytes([2 | (peer_point[-1] & 1)]) + peer_point[1:1 + (point_size - 1) // 2]
            code, out, _ = run(["ecdh", "--key", path(ours + ".pem"), "--peer", compressed.hex().upper()])
            check(code == 0 and out.decode() == want.hex() + "\n", f"ecdh {ours} compressed peer: {out!r}")
            # The peer's point with y changed: not on the curve; the point at the origin: neither.
            off_curve = bytearray(peer_point)
            off_curve[-1] ^= 1
            expect_failure(["ecdh", "--key", path(ours + ".pem"), "--peer", off_curve.hex()], what=f"ecdh {ours} off the curve")
            expect_failure(["ecdh", "--key", path(ours + ".pem"), "--peer", "04" + "00" * (point_size - 1)],
                           what=f"ecdh {ours} zero point")
            expect_usage_error(["ecdh", "--key", path(ours + ".pem"), "--peer", peer_point.hex()[:-2]])
            expect_usage_error(["ecdh", "--key", path(ours + ".pem"), "--peer", peer_point.hex() + "00"])
    openssl("genpkey", "-algorithm", "x25519", "-out", path("theirs_x25519.pem"))
    write("theirs_x25519.pub", openssl("pkey", "-in", path("theirs_x25519.pem"), "-pubout")[1])
    rc, want, _ = openssl("pkeyutl", "-derive", "-inkey", path("theirs_x25519.pem"), "-peerkey", path("ours_x25519.pub"))
    code, out, _ = run(["ecdh", "--key", path("ours_x25519.pem"), "--peer", public_der(path("theirs_x25519.pem"))[-32:].hex()])
    check(rc == 0 and code == 0 and out.decode() == want.hex() + "\n", f"ecdh X25519: {out!r}")
    expect_failure(["ecdh", "--key", path("ours_x25519.pem"), "--peer", "00" * 32], what="ecdh X25519 low order")
    expect_usage_error(["ecdh", "--key", path("ours_x25519.pem"), "--peer", "00" * 31])

    # Bad keys and arguments: usage errors, one line each.
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", path("p521.pem"))
    write("p521.pub", openssl("pkey", "-in", path("p521.pem"), "-pubout")[1])
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", path("k1.pem"))
    openssl("pkey", "-in", path("theirs_p256.pem"), "-aes128", "-passout", "pass:x", "-out", path("encrypted.pem"))
    # RFC 5915 keys edited: the point's last byte flipped (not the private key's), a zero scalar.
    sec1_der = bytearray(openssl("ec", "-in", path("sec1_p256.pem"), "-outform", "DER")[1])
    mismatched = bytearray(sec1_der)
    mismatched[-1] ^= 1
    zero = bytearray(sec1_der)
    zero[7:39] = bytes(32)  # SEQUENCE, INTEGER 1, OCTET STRING header: the scalar starts at 7
    for name, der_bytes in (("mismatched", mismatched), ("zero", zero)):
        body = openssl("base64", stdin=bytes(der_bytes))[1]
        write(name + ".pem", b"-----BEGIN EC PRIVATE KEY-----\n" + body + b"-----END EC PRIVATE KEY-----\n")
    bad_keys = ["p521.pem", "k1.pem", "encrypted.pem", "mismatched.pem", "zero.pem", "theirs_p256.pub", "missing.pem",
                "message"]
    for bad in bad_keys:
        expect_usage_error(["sign", "--key", path(bad)], b"m", what=f"sign --key {bad}")
        expect_usage_error(["ecdh", "--key", path(bad), "--peer", "04" + "11" * 64], what=f"ecdh --key {bad}")
    for bad in ("p521.pub", "theirs_x25519.pub", "theirs_p256.pem", "missing.pem"):
        expect_usage_error(["verify-sig", "--pub", path(bad), "--sig", "00"], b"m", what=f"verify-sig --pub {bad}")
    expect_usage_error(["sign", "--key", path("ours_x25519.pem")], b"m")
    expect_usage_error(["ecdh", "--key", path("ours_ed25519.pem"), "--peer", "00" * 32])
    expect_usage_error(["sign"], b"m")
    expect_usage_error(["sign", "--key", path("ours_p256.pem"), "extra"], b"m")
    expect_usage_error(["verify-sig", "--pub", path("ours_p256.pub")], b"m")
    expect_usage_error(["verify-sig", "--sig", "00"], b"m")
    expect_usage_error(["verify-sig", "--pub", path("ours_p256.pub"), "--sig", "0g"], b"m")
    expect_usage_error(["ecdh", "--key", path("ours_p256.pem")])
    expect_usage_error(["ecdh", "--key", path("ours_p256.pem"), "--peer", "xyz"])
    # A public key that is not on its curve: refused on loading.
    spki = bytearray(public_der(path("theirs_p256.pem")))
    spki[-1] ^= 1
    body = openssl("base64", stdin=bytes(spki))[1]
    write("off_curve.pub", b"-----BEGIN PUBLIC KEY-----\n" + body + b"-----END PUBLIC KEY-----\n")
    expect_usage_error(["verify-sig", "--pub", path("off_curve.pub"), "--sig", "3006020101020101"], b"m")

# RSA: sign (--pss, the default, and --pkcs1) checked by `openssl dgst -verify`, openssl's
# signatures checked by verify-sig, with PKCS#8 and PKCS#1 keys and an RSASSA-PSS key; PSS salts
# are random (two signatures differ); the wrong padding, a flipped bit, another message refused.
if have_openssl:
    RSA_VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "tls", "rsa")
    pss_opts = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256"]
    for name in ("server_2048", "client_2048", "server_3072", "server_pss"):
        key = os.path.join(RSA_VECTORS, name + ".key")
        write(name + ".pub", openssl("pkey", "-in", key, "-pubout")[1])
        pub = path(name + ".pub")
        modes = [("pss", pss_opts)] + ([] if name == "server_pss" else [("pkcs1", [])])
        for mode, opts in modes:
            for m in (b"", b"carapace RSA message"):
                msg_file = write("message", m)
                code, out, err = run(["sign", "--key", key, "--" + mode], m)
                sig_file = write("sig", bytes.fromhex(out.decode().strip()) if code == 0 else b"")
                rc, verdict, _ = openssl("dgst", "-sha256", *opts, "-verify", pub, "-signature", sig_file, msg_file)
                check(code == 0 and rc == 0 and b"Verified OK" in verdict,
                      f"sign {name} --{mode} len {len(m)}: openssl says {verdict!r} {err!r}")
                sig = openssl("dgst", "-sha256", *opts, "-sign", key, msg_file)[1]
                code, out, err = run(["verify-sig", "--pub", pub, "--sig", sig.hex(), "--" + mode], m)
                check(code == 0 and out == b"ok\n", f"verify-sig {name} --{mode} len {len(m)}: {code} {out!r} {err!r}")
                other = "pkcs1" if mode == "pss" else "pss"
                code, out, _ = run(["verify-sig", "--pub", pub, "--sig", sig.hex(), "--" + other], m)
                check(code == 1 and out == b"bad signature\n", f"verify-sig {name} as --{other}: {code} {out!r}")
                bad = bytearray(sig)
                bad[len(bad) // 2] ^= 1
                code, out, _ = run(["verify-sig", "--pub", pub, "--sig", bad.hex(), "--" + mode], m)
                check(code == 1 and out == b"bad signature\n", f"verify-sig {name} flipped: {code} {out!r}")
                code, out, _ = run(["verify-sig", "--pub", pub, "--sig", sig.hex(), "--" + mode], m + b"x")
                check(code == 1 and out == b"bad signature\n", f"verify-sig {name} other message: {code} {out!r}")
        _, first, _ = run(["sign", "--key", key], b"same")
        _, second, _ = run(["sign", "--key", key], b"same")
        check(first != second and len(first) > 500, f"sign {name}: PSS signatures with fresh salts differ")
    # A certificate as --pub; PKCS#1 v1.5 by an RSASSA-PSS key; the flags on other keys; both flags.
    sig = openssl("dgst", "-sha256", *pss_opts, "-sign", os.path.join(RSA_VECTORS, "server_2048.key"),
                  write("message", b"m"))[1]
    code, out, _ = run(["verify-sig", "--pub", os.path.join(RSA_VECTORS, "server_2048.pem"), "--sig", sig.hex()], b"m")
    check(code == 0 and out == b"ok\n", f"verify-sig RSA certificate: {code} {out!r}")
    expect_usage_error(["sign", "--key", os.path.join(RSA_VECTORS, "server_pss.key"), "--pkcs1"], b"m")
    expect_usage_error(["sign", "--key", os.path.join(RSA_VECTORS, "server_2048.key"), "--pss", "--pkcs1"], b"m")
    expect_usage_error(["sign", "--key", path("ours_p256.pem"), "--pss"], b"m")
    expect_usage_error(["verify-sig", "--pub", path("ours_p256.pub"), "--sig", "00", "--pkcs1"], b"m")
    # RSA-512 keys: outside what the RSA code takes (1024 bits and up).
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", path("rsa512.pem"))
    write("rsa512.pub", openssl("pkey", "-in", path("rsa512.pem"), "-pubout")[1])
    expect_usage_error(["sign", "--key", path("rsa512.pem")], b"m")
    expect_usage_error(["verify-sig", "--pub", path("rsa512.pub"), "--sig", "00"], b"m")

# speed has a row for each curve operation.
code, out, _ = run(["speed", "--seconds", "1", "p256", "p384"])
for name in (b"p256", b"p384"):
    check(code == 0 and all(name + b" " in line and b"ops/s" in line
                            for line in out.splitlines() if line.startswith(name)) and out.count(name + b" ") >= 3,
          f"speed {name!r}: {out!r}")
check(b"ECDSA sign" in out and b"ECDSA verify" in out and b"ECDH" in out, f"speed rows: {out!r}")

shutil.rmtree(work, ignore_errors=True)
