#!/usr/bin/env python3
# Writes aad_length_forms.json: AES-CCM vectors from Python's cryptography package (OpenSSL's
# AES-CCM) with associated data either side of the switch from the 2-byte length encoding to
# 0xff 0xfe and 4 bytes (NIST SP 800-38C A.2.2), under patterned keys, nonces and messages.
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

vectors = []
key = bytes((7 * i + 3) & 255 for i in range(16))
for aad_size in (0xfeff, 0xff00, 0xff01):
    for nonce_size, tag_size, size in ((13, 16, 17), (7, 4, 40)):
        nonce = bytes((5 * i + 1) & 255 for i in range(nonce_size))
        msg = bytes((11 * i + 9) & 255 for i in range(size))
        out = AESCCM(key, tag_length=tag_size).encrypt(nonce, msg, bytes(i & 255 for i in range(aad_size)))
        vectors.append({"key": key.hex(), "nonce": nonce.hex(), "aad_size": aad_size, "msg": msg.hex(),
                        "tag_size": tag_size, "ct": out[:size].hex(), "tag": out[size:].hex()})
doc = {
    "source": "Made here with Python's cryptography package (AESCCM, which is OpenSSL 3.0's AES-CCM): associated data "
              "of 0xfeff, 0xff00 and 0xff01 bytes, either side of the switch from the 2-byte length to 0xff 0xfe and "
              "4 bytes (SP 800-38C A.2.2).",
    "format": "Hex byte strings; the associated data is aad_size bytes, byte i being i mod 256; tag_size in bytes.",
    "vectors": vectors,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "aad_length_forms.json"), "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
