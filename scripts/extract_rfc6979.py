#!/usr/bin/env python3
"""Writes tests/vectors/rfc/rfc6979.json from the text of RFC 6979: the ECDSA examples of appendix
A.2.5 (P-256) and A.2.6 (P-384), key pair and the signatures with SHA-256, SHA-384 and SHA-512 of
the messages "sample" and "test". The SHA-1 and SHA-224 signatures of those sections are left out
(the library signs with SHA-2 256/384/512 only). Reading the RFC rather than typing its values keeps
the JSON checkable: run this again and compare.

Usage: scripts/extract_rfc6979.py RFC6979_TXT [OUTPUT_JSON]"""
import json
import re
import sys

SECTIONS = {"A.2.5": "P-256", "A.2.6": "P-384"}
HASHES = ("SHA-256", "SHA-384", "SHA-512")
HEX = re.compile(r"^[0-9A-F]+$")


def clean_lines(text):
    """The RFC's lines without page footers, headers and form feeds."""
    out = []
    for line in text.splitlines():
        line = line.replace("\f", "")
        if re.match(r"^Pornin\s+Informational\s+\[Page \d+\]$", line.strip()):
            continue
        if re.match(r"^RFC 6979\s+Deterministic DSA and ECDSA\s+August 2013$", line.strip()):
            continue
        if set(line.strip()) == {"-"}:  # the page separator some copies carry
            continue
        out.append(line.rstrip())
    return out


def section_lines(lines, number):
    """The lines of appendix section `number` (from its heading to the next heading)."""
    start = next(i for i, l in enumerate(lines) if re.match(r"^%s\.\s+ECDSA, \d+ Bits \(Prime Field\)$" % re.escape(number), l))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^A\.\d+(\.\d+)*\.\s", lines[i]))
    return lines[start:end]


def values(lines):
    """Yields (context, name, hex value) for every `name = HEX` assignment; a value continues on
    following lines made only of hex digits. The context is the last "With H, message = ..." line."""
    context = None
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = re.match(r'^With (SHA-\d+), message = "(\w+)":$', line)
        if m:
            context = (m.group(1), m.group(2))
        m = re.match(r"^(\w+) = ([0-9A-F]+)$", line)
        if m:
            name, value = m.group(1), m.group(2)
            while i + 1 < len(lines) and HEX.match(lines[i + 1].strip() or "-"):
                i += 1
                value += lines[i].strip()
            yield context, name, value.lower()
        i += 1


def extract(text):
    lines = clean_lines(text)
    curves = []
    for number, curve in SECTIONS.items():
        entry = {"section": number, "curve": curve, "signatures": []}
        current = None
        for context, name, value in values(section_lines(lines, number)):
            if context is None:
                if name in ("q", "x", "Ux", "Uy"):
                    entry[{"q": "order", "x": "private_key", "Ux": "public_x", "Uy": "public_y"}[name]] = value
                continue
            hash_name, message = context
            if name == "k":
                current = {"hash": hash_name, "message": message, "k": value}
                if hash_name in HASHES:
                    entry["signatures"].append(current)
            elif name in ("r", "s"):
                assert current is not None and (current["hash"], current["message"]) == context
                current[name] = value
        size = {"P-256": 64, "P-384": 96}[curve]
        for key in ("order", "private_key", "public_x", "public_y"):
            assert len(entry[key]) == size, (curve, key)
        assert len(entry["signatures"]) == 6, curve
        for s in entry["signatures"]:
            assert all(len(s[key]) == size for key in ("k", "r", "s")), (curve, s)
        curves.append(entry)
    return {
        "source": 'RFC 6979, "Deterministic Usage of the Digital Signature Algorithm (DSA) and Elliptic Curve '
                  'Digital Signature Algorithm (ECDSA)" (August 2013), Appendix A.2.5 (P-256) and A.2.6 (P-384), '
                  "extracted by scripts/extract_rfc6979.py",
        "format": "All values lowercase big-endian hex, each the size of the curve's order. order: q; private_key: x; "
                  "public_x, public_y: U = xG. signatures: the message (ASCII) hashed with `hash`, the deterministic "
                  "nonce k and the signature (r, s). Out of scope: the SHA-1 and SHA-224 signatures of the same "
                  "sections (not extracted), A.2.7 (P-521) and the DSA and binary-curve examples.",
        "curves": curves,
    }


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="ascii") as f:
        doc = extract(f.read())
    out = json.dumps(doc, indent=2) + "\n"
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w", encoding="ascii") as f:
            f.write(out)
    else:
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
