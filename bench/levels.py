#!/usr/bin/env python3
"""Runs one benchmark's -O3 and -O2 programs (bench-NAME and bench-NAME-O2, see meson.build) one
after the other and prints their rows side by side, with carapace's -O2 figure over its -O3 one:
the headers must be as fast at -O2, where distributions and RelWithDebInfo builds are.

    bench/levels.py BUILD_DIR NAME [ARGS...]     e.g. bench/levels.py build ec --only x25519

ARGS go to both programs. In rows of operations or bytes per second, O2/O3 below 1 means -O2 is
slower; in rows of microseconds (the fastest single operations), above 1 does."""
import re
import subprocess
import sys

ROW = re.compile(r'^(\S.*?)\s+([0-9.]+)\s+([0-9.]+|-)\s+([0-9.]+x|-)(?:\s+[0-9.]+(?: / [0-9.]+)? (?:c/B|cycles))?$')


def parse(program, args):
    """The program's output as a list of text lines and (section, name, figures) rows; a section
    starts at each line that is not a row, so equal names in two tables stay apart."""
    out = subprocess.run([program] + args, capture_output=True, text=True, check=False).stdout
    items, section = [], 0
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            items.append((section, m.group(1), m.group(2), m.group(3), m.group(4)))
        else:
            section += 1
            items.append(line)
    return items


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    build, name, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    o3 = parse(f'{build}/bench/bench-{name}', args)
    o2 = {(r[0], r[1]): r[2:] for r in parse(f'{build}/bench/bench-{name}-O2', args) if isinstance(r, tuple)}
    print(f'{"workload":52s} | {"-O3":>10s} {"peer":>10s} {"ratio":>7s} | {"-O2":>10s} {"peer":>10s} {"ratio":>7s} | O2/O3')
    for item in o3:
        if isinstance(item, str):
            if not item.startswith('workload'):
                print(item)
            continue
        a, b = item[2:], o2.get(item[:2], ('-', '-', '-'))
        rel = f'{float(b[0]) / float(a[0]):.2f}' if b[0] != '-' and float(a[0]) > 0 else '-'
        print(f'{item[1]:52s} | {a[0]:>10s} {a[1]:>10s} {a[2]:>7s} | {b[0]:>10s} {b[1]:>10s} {b[2]:>7s} | {rel}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
