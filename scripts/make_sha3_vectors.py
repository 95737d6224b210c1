#!/usr/bin/env python3
"""Writes tests/vectors/fips202/sha3_shake.json: SHA-3 and SHAKE digests of messages whose lengths
straddle every rate boundary, computed by Python's hashlib (OpenSSL's Keccak), an implementation
independent of ours. The "abc", empty and 200 x 0xa3 messages are the FIPS 202 example messages
published by NIST; their digests here equal NIST's example values.

Usage: scripts/make_sha3_vectors.py tests/vectors/fips202/sha3_shake.json
"""
import hashlib
import json
import sys


def message(length, seed):
    # A fixed byte pattern, so the file can be regenerated exactly.
    return bytes((seed * 131 + i * 37 + (i >> 3)) & 0xFF for i in range(length))


def main(path):
    vectors = []
    messages = [("empty", b"", 1), ("abc", b"abc", 1), ("200 x 0xa3", b"\xa3" * 200, 1),
                ("one million 'a'", b"a", 1000000)]
    for n in (1, 7, 8, 9, 71, 72, 73, 103, 104, 105, 135, 136, 137, 143, 144, 145, 167, 168, 169,
              271, 272, 273, 335, 336, 337, 1000):
        messages.append((f"{n} pattern bytes", message(n, n), 1))
    for desc, msg, repeat in messages:
        whole = msg * repeat
        for name in ("sha3_224", "sha3_256", "sha3_384", "sha3_512"):
            vectors.append({"algorithm": name.upper().replace("_", "-"), "description": desc,
                            "message_hex": msg.hex(), "repeat": repeat,
                            "output": getattr(hashlib, name)(whole).hexdigest()})
        for name in ("shake_128", "shake_256"):
            for out_len in (32, 64, 135, 136, 137, 168, 169, 500, 1000):
                if repeat > 1 and out_len not in (32, 500):
                    continue
                vectors.append({"algorithm": name.upper().replace("_", ""), "description": desc,
                                "message_hex": msg.hex(), "repeat": repeat,
                                "output": getattr(hashlib, name)(whole).hexdigest(out_len)})
    doc = {"source": "Python hashlib (OpenSSL) over the FIPS 202 example messages and patterned "
                     "messages of every length around the SHA-3 and SHAKE rates; "
                     "scripts/make_sha3_vectors.py",
           "format": "vectors: [{algorithm, description, message_hex, repeat, output}]: hash "
                     "message_hex repeated `repeat` times; output is the digest, or for SHAKE "
                     "the first len(output)/2 bytes of output",
           "vectors": vectors}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
