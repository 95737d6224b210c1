"""carapace-tool's SHA-3, SHAKE and ML-KEM commands: hash/hmac/hkdf with SHA-3 and shake128/256
against Python's hashlib, mlkem-keygen/encaps/decaps against the Wycheproof ML-KEM vectors
(tests/vectors), round trips with fresh randomness, and the refusals (modulus check, hash check,
sizes, usage). Imported by tool_test.py; also runs alone: tool_test_pq.py TOOL."""
import hashlib
import hmac
import json
import os
import random

import tool_common
from tool_common import check, expect_usage_error, run

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors")
rng = random.Random(203)
messages = [b"", b"abc", b"\xa3" * 200] + [rng.randbytes(n) for n in (1, 71, 72, 135, 136, 137, 167, 168, 169, 5000)]

for name in ("sha3-224", "sha3-256", "sha3-384", "sha3-512"):
    for m in messages:
        code, out, err = run(["hash", name], m)
        want = hashlib.new(name.replace("-", "_"), m).hexdigest() + "\n"
        check(code == 0 and out.decode() == want and err == b"", f"hash {name} len {len(m)}: {out!r} {err!r}")

for name in ("sha3-256", "sha3-384", "sha3-512"):
    py = name.replace("-", "_")
    for key in (b"", rng.randbytes(32), rng.randbytes(200)):
        m = rng.randbytes(100)
        code, out, err = run(["hmac", name, "--key", key.hex()], m)
        check(code == 0 and out.decode() == hmac.new(key, m, py).hexdigest() + "\n", f"hmac {name} key {len(key)}")
    ikm, salt, info = rng.randbytes(22), rng.randbytes(13), rng.randbytes(10)
    prk = hmac.new(salt, ikm, py).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < 100:
        block = hmac.new(prk, block + info + bytes([counter]), py).digest()
        okm += block
        counter += 1
    code, out, err = run(["hkdf", name, "--ikm", ikm.hex(), "--salt", salt.hex(), "--info", info.hex(), "--length", "100"])
    check(code == 0 and out.decode() == okm[:100].hex() + "\n", f"hkdf {name}: {out[:60]!r} {err!r}")

for name, py in (("shake128", "shake_128"), ("shake256", "shake_256")):
    for m in messages:
        for length in (0, 1, 32, 136, 168, 169, 1000):
            code, out, err = run([name, "--length", str(length)], m)
            want = hashlib.new(py, m).hexdigest(length) + "\n"
            check(code == 0 and out.decode() == want and err == b"", f"{name} len {len(m)} out {length}: {out[:60]!r} {err!r}")
    expect_usage_error([name], what=f"{name} without --length")
    expect_usage_error([name, "--length", str((1 << 20) + 1)], what=f"{name} --length over 1 MiB")
    expect_usage_error([name, "--length", "-1"], what=f"{name} --length negative")
    expect_usage_error([name, "--length", "8", "extra"], what=f"{name} extra argument")
expect_usage_error(["hash", "sha3-1024"], what="hash unknown sha3 size")


def named_lines(out):
    lines = out.decode().splitlines()
    return dict(line.split(" ", 1) for line in lines if " " in line), len(lines)


def wycheproof(name):
    with open(os.path.join(VECTORS, "wycheproof", name)) as f:
        return json.load(f)


for bits, ek_size, dk_size, ct_size in ((512, 800, 1632, 768), (768, 1184, 2400, 1088), (1024, 1568, 3168, 1568)):
    params = f"ml-kem-{bits}"
    # KeyGen from seeds: the first five vectors of the keygen file.
    doc = wycheproof(f"mlkem_{bits}_keygen_seed_test.json")
    for t in doc["testGroups"][0]["tests"][:5]:
        code, out, err = run(["mlkem-keygen", params, "--seed", t["seed"]])
        fields, count = named_lines(out)
        check(code == 0 and count == 3 and fields.get("seed") == t["seed"] and fields.get("ek") == t["ek"]
              and fields.get("dk") == t["dk"], f"mlkem-keygen {params} tcId {t['tcId']}: {err!r}")
    # Encaps: valid vectors give ct and ss; keys failing the modulus check exit 1.
    doc = wycheproof(f"mlkem_{bits}_encaps_test.json")
    tests = [t for g in doc["testGroups"] for t in g["tests"]]
    valid = [t for t in tests if t["result"] == "valid"][:5]
    overflow = [t for t in tests if "ModulusOverflow" in t.get("flags", [])][:3]
    for t in valid:
        code, out, err = run(["mlkem-encaps", params, "--ek", t["ek"], "--m", t["m"]])
        fields, count = named_lines(out)
        check(code == 0 and count == 2 and fields.get("ct") == t["c"] and fields.get("ss") == t["K"],
              f"mlkem-encaps {params} tcId {t['tcId']}: {err!r}")
    for t in overflow:
        code, out, err = run(["mlkem-encaps", params, "--ek", t["ek"], "--m", t["m"]])
        check(code == 1 and out == b"" and b"modulus" in err, f"mlkem-encaps {params} modulus tcId {t['tcId']}: {code} {err!r}")
    # Decaps from the seed form and from the expanded key; rejection for a changed ciphertext.
    doc = wycheproof(f"mlkem_{bits}_test.json")
    tests = [t for g in doc["testGroups"] for t in g["tests"] if t["result"] == "valid"][:4]
    for t in tests:
        code, out, err = run(["mlkem-decaps", params, "--seed", t["seed"], "--ct", t["c"]])
        check(code == 0 and out.decode() == t["K"] + "\n", f"mlkem-decaps --seed {params} tcId {t['tcId']}: {err!r}")
        _, out, _ = run(["mlkem-keygen", params, "--seed", t["seed"]])
        dk = named_lines(out)[0]["dk"]
        code, out, err = run(["mlkem-decaps", params, "--dk", dk, "--ct", t["c"]])
        check(code == 0 and out.decode() == t["K"] + "\n", f"mlkem-decaps --dk {params} tcId {t['tcId']}: {err!r}")
        changed = t["c"][:-2] + format(int(t["c"][-2:], 16) ^ 1, "02x")
        seed = bytes.fromhex(t["seed"])
        want = hashlib.shake_256(seed[32:] + bytes.fromhex(changed)).hexdigest(32)
        code, out, err = run(["mlkem-decaps", params, "--dk", dk, "--ct", changed])
        check(code == 0 and out.decode() == want + "\n", f"mlkem-decaps {params} implicit rejection tcId {t['tcId']}")
        # A decapsulation key whose stored H(ek) does not match: the hash check refuses it.
        bad = bytearray.fromhex(dk)
        bad[dk_size - 64] ^= 1
        code, out, err = run(["mlkem-decaps", params, "--dk", bad.hex(), "--ct", t["c"]])
        check(code == 1 and out == b"" and b"hash check" in err, f"mlkem-decaps {params} hash check: {code} {err!r}")
    # Fresh randomness: keygen, encaps and decaps agree, and two keygens differ.
    _, out1, _ = run(["mlkem-keygen", params])
    _, out2, _ = run(["mlkem-keygen", params])
    k1, _ = named_lines(out1)
    k2, _ = named_lines(out2)
    check(len(k1.get("ek", "")) == 2 * ek_size and len(k1.get("dk", "")) == 2 * dk_size and k1.get("seed") != k2.get("seed"),
          f"mlkem-keygen {params} random")
    code, out, err = run(["mlkem-encaps", params, "--ek", k1["ek"]])
    e, _ = named_lines(out)
    check(code == 0 and len(e.get("ct", "")) == 2 * ct_size, f"mlkem-encaps {params} random m: {err!r}")
    code, out, err = run(["mlkem-decaps", params, "--seed", k1["seed"], "--ct", e["ct"]])
    check(code == 0 and out.decode() == e["ss"] + "\n", f"mlkem round trip {params}: {err!r}")
    # Sizes and usage.
    expect_usage_error(["mlkem-keygen", params, "--seed", "00" * 63], what=f"mlkem-keygen {params} short seed")
    expect_usage_error(["mlkem-encaps", params, "--ek", k1["ek"][:-2]], what=f"mlkem-encaps {params} short ek")
    expect_usage_error(["mlkem-encaps", params], what=f"mlkem-encaps {params} without --ek")
    expect_usage_error(["mlkem-encaps", params, "--ek", k1["ek"], "--m", "00" * 31], what=f"mlkem-encaps {params} short m")
    expect_usage_error(["mlkem-decaps", params, "--seed", k1["seed"], "--ct", e["ct"] + "00"], what=f"mlkem-decaps {params} long ct")
    expect_usage_error(["mlkem-decaps", params, "--seed", k1["seed"], "--dk", k1["dk"], "--ct", e["ct"]],
                       what=f"mlkem-decaps {params} both --seed and --dk")
    expect_usage_error(["mlkem-decaps", params, "--seed", k1["seed"]], what=f"mlkem-decaps {params} without --ct")
    expect_usage_error(["mlkem-decaps", params, "--dk", "zz", "--ct", e["ct"]], what=f"mlkem-decaps {params} bad hex")
expect_usage_error(["mlkem-keygen"], what="mlkem-keygen without parameter set")
expect_usage_error(["mlkem-keygen", "ml-kem-769"], what="mlkem-keygen unknown parameter set")
expect_usage_error(["mlkem-keygen", "ml-kem-768", "extra"], what="mlkem-keygen extra argument")

if __name__ == "__main__":
    print(f"{tool_common.passed} passed, {tool_common.failed} failed")
    raise SystemExit(1 if tool_common.failed else 0)
