"""What the carapace-tool contract tests share: the tool's path (the first argument), the pass and
fail counts, running the tool, and the check for a usage error (exit 2, one stderr line, nothing
on stdout). tool_test.py and the tool_test_*.py sections it runs import it."""
import subprocess
import sys

TOOL = sys.argv[1]
passed = 0
failed = 0



def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}", file=sys.stderr)


def run(args, stdin=b""):
    p = subprocess.run([TOOL] + args, input=stdin, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def expect_usage_error(args, stdin=b"", what=None, names=None):
    """Exit status 2, nothing on stdout, one line on stderr; with `names`, that line contains it."""
    code, out, err = run(args, stdin)
    what = what or " ".join(args)
    check(code == 2, f"{what}: exit status {code}, want 2")
    check(out == b"", f"{what}: stdout not empty: {out[:80]!r}")
    lines = err.decode(errors="replace").strip().splitlines()
    check(len(lines) == 1 and lines[0].strip() != "", f"{what}: want one stderr line, got {err!r}")
    if names is not None:
        check(names.encode() in err, f"{args[-2:]}: the message names the problem: {err!r}")
