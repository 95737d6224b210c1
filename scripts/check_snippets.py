#!/usr/bin/env python3
"""Compiles the C++ code blocks of the guides (docs/*.md), so the guides cannot drift from the
headers.

Every ```cpp block in docs/*.md is a complete piece of code: its own #include lines and
declarations (functions, types), no `main` needed. All blocks go into one translation unit, each
in its own namespace (its #include lines hoisted to the top), which is checked with
`-fsyntax-only` and the project's warnings as errors: one compiler run for every snippet.
    check_snippets.py [CXX]          (default: g++; the include path is include/)
Prints the blocks' count, and on failure the compiler's messages mapped back to FILE.md:LINE.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = ["-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wsign-conversion",
         "-Wshadow", "-Werror", "-I", os.path.join(ROOT, "include")]


def blocks():
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        lines = open(path, encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].strip() == "```cpp":
                start = i + 1
                i += 1
                while i < len(lines) and lines[i].strip() != "```":
                    i += 1
                yield os.path.relpath(path, ROOT), start + 1, lines[start:i]
            i += 1


def main():
    cxx = sys.argv[1] if len(sys.argv) > 1 else "g++"
    includes, body, origin = [], [], {}  # origin: line of the unit -> (file, line)
    found = list(blocks())
    for n, (path, first, code) in enumerate(found):
        body.append(f"namespace snippet_{n} {{")
        for k, line in enumerate(code):
            if re.match(r"\s*#\s*include\b", line):
                includes.append(line.strip())
                body.append("")
            else:
                body.append(line)
            origin[len(body)] = (path, first + k)
        body.append(f"}}  // namespace snippet_{n}")
    head = sorted(set(includes))
    unit = head + body
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False) as f:
        f.write("\n".join(unit) + "\n")
        name = f.name
    try:
        run = subprocess.run([cxx, *FLAGS, name], capture_output=True, text=True)
    finally:
        os.unlink(name)

    def where(match):
        line = int(match.group(1)) - len(head)
        path, md_line = origin.get(line, ("?", line))
        return f"{path}:{md_line}:"

    if run.returncode != 0:
        print(re.sub(re.escape(name) + r":(\d+):(?:\d+:)?", where, run.stderr)[:20000])
        print(f"FAILED: the guides' code blocks do not compile ({len(found)} blocks)")
        print("0 passed, 1 failed")
        return 1
    print(f"ok: {len(found)} code blocks of docs/*.md compile with {cxx}")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
