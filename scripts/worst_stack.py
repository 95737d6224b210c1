#!/usr/bin/env python3
"""Worst-case stack depth from GCC's call graphs (-fcallgraph-info=su: one .ci file per object).

    scripts/worst_stack.py ROOT FILE.ci...

Prints the deepest call chain from the function ROOT (a plain or mangled name, e.g. main) and its
size in bytes: the sum of the frames on the chain. An indirect call (a virtual function of the
engine's interfaces) is taken to reach any virtual function in the graphs, the worst of them; a
function without a frame size (a library routine such as memcpy) counts as 0. A recursive function
is counted once, and named: its depth bound is the caller's to know (der::well_formed has one).
Exits with 1 when ROOT is missing."""
import re
import sys

NODE = re.compile(r'^node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r'\\n(\d+) bytes \(([^)]*)\)')


def short(title):
    return title.rsplit(":", 1)[-1]


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    root, files = sys.argv[1], sys.argv[2:]
    frame, label, calls, virtual = {}, {}, {}, set()
    for path in files:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = NODE.match(line)
            if m:
                name = short(m.group(1))
                text = m.group(2)
                size = SIZE.search(text)
                if size:
                    frame[name] = max(frame.get(name, 0), int(size.group(1)))
                    label[name] = text.split("\\n")[0]
                    if text.startswith("virtual "):
                        virtual.add(name)
                continue
            m = EDGE.match(line)
            if m:
                calls.setdefault(short(m.group(1)), set()).add(short(m.group(2)))
    calls["__indirect_call"] = set(virtual)
    starts = [n for n in frame if n == root or label.get(n, "").split("(")[0].endswith(" " + root)]
    if not starts:
        print(f"worst stack: no function {root} in the call graph")
        return 1

    best, on_path, cyclic = {}, set(), []

    def depth(n):
        if n in best:
            return best[n]
        if n in on_path:
            if n != "__indirect_call":
                cyclic.append(n)
            return (0, [])
        on_path.add(n)
        worst = (0, [])
        for c in calls.get(n, ()):
            d = depth(c)
            if d[0] > worst[0]:
                worst = d
        on_path.discard(n)
        result = (frame.get(n, 0) + worst[0], [n] + worst[1])
        best[n] = result
        return result

    sys.setrecursionlimit(100000)
    total, chain = max(depth(s) for s in starts)
    print(f"worst stack from {root}: {total} bytes")
    for n in chain:
        if n == "__indirect_call":
            print("    (indirect call)")
            continue
        print(f"  {frame.get(n, 0):6d}  {label.get(n, n)[:110]}")
    if cyclic:
        print("  recursive, counted once: " + ", ".join(sorted(set(label.get(c, c)[:80] for c in cyclic))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
