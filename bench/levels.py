#!/usr/bin/env python3
"""Runs one benchmark's -O3 and -O2 programs (bench-NAME and bench-NAME-O2, see meson.build) one
after the other and prints their rows side by side, with the -O2 / -O3 ratio of carapace's
figure: headers must be as fast at -O2, where distributions and RelWithDebInfo builds are.

    bench/levels.py BUILD_DIR NAME [--quick]     e.g. bench/levels.py build ec

For rows in operations or bytes per second a ratio below 1 means -O2 is slower; for rows in
microseconds (the fastest single operation), above 1 means -O2 is slower."""
import re
import subprocess
import sys

ROW = re.compile(r'^(\S.*?)\s+([0-9.]+)\s+([0-9.]+|-)\s+([0-9.]+x|-)$')


def rows(program, args):
    out = subprocess.run([program] + args, capture_output=True, text=True, check=False).stdout
    table, order, header = {}, [], []
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            table[m.group(1)] = (m.group(2), m.group(3), m.group(4))
            order.append(m.group(1))
        elif line.strip():
            header.append(line)
            order.append(None)
            table.setdefault(None, []).append(line)
    return table, order, out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    build, name, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    o3, order, _ = rows(f'{build}/bench/bench-{name}', extra)
    o2, _, _ = rows(f'{build}/bench/bench-{name}-O2', extra)
    print(f'{"workload":52s} | {"-O3 ours":>10s} {"peer":>10s} {"ratio":>7s} | {"-O2 ours":>10s} {"peer":>10s} {"ratio":>7s} | O2/O3')
    texts = iter(o3.get(None, []))
    for key in order:
        if key is None:
            line = next(texts)
            if not line.startswith('workload'):
                print(line)
            continue
        a, b = o3[key], o2.get(key, ('-', '-', '-'))
        rel = f'{float(b[0]) / float(a[0]):.2f}' if b[0] != '-' and float(a[0]) > 0 else '-'
        print(f'{key:52s} | {a[0]:>10s} {a[1]:>10s} {a[2]:>7s} | {b[0]:>10s} {b[1]:>10s} {b[2]:>7s} | {rel}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
