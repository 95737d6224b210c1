#!/usr/bin/env python3
"""Reads doxygen's warning log for scripts/docs and decides: every warning fails, except an
undocumented public declaration that the known-gaps list names.
    check_doc_warnings.py WARNINGS.log docs/undocumented.txt [--update]
The list has one declaration per line, "HEADER: KIND NAME", without line numbers so that edits
elsewhere in a header do not disturb it; # starts a comment. --update rewrites it from the log
(for the lead, after a review: it is how a gap would be accepted, never automatic in CI).
"""
import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNDOC = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?:warning|error): "
                   r"(?:Member (?P<member>.+?) \((?P<kind>[\w ]+)\) of (?:\w+) (?P<scope>\S+)|Compound (?P<compound>\S+)) "
                   r"is not documented\.$")


def relative(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def main():
    log_path, list_path = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    warnings = [w for w in open(log_path, encoding="utf-8").read().split("\n") if w.strip()]
    undocumented, other = {}, []  # key -> "file:line"
    for w in warnings:
        m = UNDOC.match(w)
        if not m:
            other.append(w.replace(ROOT + os.sep, ""))
            continue
        where = relative(m.group("file"))
        if m.group("compound"):
            key = f"{where}: type {m.group('compound')}"
        else:
            key = f"{where}: {m.group('kind')} {m.group('scope')}::{m.group('member')}"
        undocumented[key] = f"{where}:{m.group('line')}"

    known = []
    if os.path.exists(list_path):
        for line in open(list_path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
            if line:
                known.append(line)
    if update:
        header = [l for l in open(list_path, encoding="utf-8") if l.startswith("#")] if os.path.exists(list_path) else []
        with open(list_path, "w", encoding="utf-8") as f:
            f.writelines(header)
            f.writelines(k + "\n" for k in sorted(undocumented))
        print(f"{list_path}: {len(undocumented)} declarations")
        return 0

    known_set = set(known)
    new = sorted(k for k in undocumented if k not in known_set)
    stale = sorted(k for k in known_set if k not in undocumented)
    still = sorted(k for k in undocumented if k in known_set)

    if still:
        per_file = collections.Counter(k.split(":", 1)[0] for k in still)
        print(f"Known gaps ({len(still)} public declarations without a description, listed in {list_path}):")
        for path, count in sorted(per_file.items()):
            print(f"  {path}: {count}")
            for k in still:
                if k.startswith(path + ":"):
                    print(f"      {undocumented[k]}: {k.split(': ', 1)[1]}")
    failed = False
    if other:
        failed = True
        print(f"FAILED: {len(other)} doxygen warnings (documentation errors):")
        for w in other:
            print(f"  {w}")
    if new:
        failed = True
        print(f"FAILED: {len(new)} public declarations without a description (add a one-line // comment "
              "above each, or after it on its line; internals belong in detail/ or a detail namespace):")
        for k in new:
            print(f"  {undocumented[k]}: {k.split(': ', 1)[1]}")
    if stale:
        failed = True
        print(f"FAILED: {len(stale)} entries of {list_path} are documented now (or gone): delete these lines:")
        for k in stale:
            print(f"  {k}")
    if not failed:
        print(f"ok: reference built without warnings beyond the {len(still)} known gaps")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
