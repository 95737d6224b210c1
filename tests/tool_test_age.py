"""carapace-tool age-keygen, encrypt, decrypt and rewrap: the age v1 format against Debian's `age`
both ways (X25519 recipients, several recipients, armor, a large file compared byte for byte, a
passphrase file typed into age through a pseudo-terminal); the post-quantum hybrid recipients
(age-keygen -pq, age1pq1) against typage, the age authors' TypeScript implementation (npm
age-encryption, named by $TYPAGE; Debian's age 1.1 predates them), both ways, binary and armored;
rewrap keeping the payload identical, --range against slices, failures in the test kit's classes
with nothing on stdout, and bounded memory for binary and armored streams. Run by tool_test.py."""

import os
import pty
import shutil
import subprocess
import tempfile

from tool_common import TOOL, check, expect_usage_error, run

have_age = shutil.which("age") is not None and shutil.which("age-keygen") is not None
check(have_age, "age and age-keygen available (Debian package age) for the interop checks")

work = tempfile.mkdtemp(prefix="carapace-age-")


def path(name):
    return os.path.join(work, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def public_key(identity_file):
    for line in open(identity_file):
        if line.startswith("# public key: "):
            return line.split(": ", 1)[1].strip()
    return ""


def payload_of(data):
    """The bytes after the header's MAC line: the nonce and the chunks."""
    mac = data.index(b"\n---")
    return data[data.index(b"\n", mac + 1) + 1:]


def expect_failure(args, stdin=b"", cls=None, what=None):
    code, out, err = run(args, stdin)
    what = what or " ".join(args)
    check(code == 1, f"{what}: exit status {code}, want 1")
    check(out == b"", f"{what}: stdout not empty")
    if cls:
        check(cls.encode() in err, f"{what}: stderr {err!r} does not name {cls}")


# Keys: ours read by age, age's read by us.
code, out, err = run(["age-keygen", "-o", path("ours.key")])
check(code == 0 and out == b"" and b"Public key: age1" in err, "age-keygen -o writes the key file")
check(os.stat(path("ours.key")).st_mode & 0o077 == 0, "age-keygen -o makes the file private")
ours_pub = public_key(path("ours.key"))
code, out, _ = run(["age-keygen"])
lines = out.decode().splitlines()
check(code == 0 and len(lines) == 3 and lines[0].startswith("# created: ") and lines[2].startswith("AGE-SECRET-KEY-1"),
      "age-keygen prints the created and public key comments and the identity")

plain_small = os.urandom(1000)
plain_large = os.urandom(5 * 65536 + 123)
plain_exact = os.urandom(2 * 65536)
write("small", plain_small)
write("large", plain_large)
write("exact", plain_exact)

# Round trips with our own tool, at sizes around the chunk boundary.
for name, plain in [("small", plain_small), ("large", plain_large), ("exact", plain_exact)]:
    code, ct, _ = run(["encrypt", "-r", ours_pub, path(name)])
    check(code == 0 and ct.startswith(b"age-encryption.org/v1\n"), f"encrypt {name}")
    code, pt, _ = run(["decrypt", "-i", path("ours.key")], ct)
    check(code == 0 and pt == plain, f"decrypt {name} from stdin")
code, ct, _ = run(["encrypt", "-r", ours_pub], b"")
check(code == 0 and run(["decrypt", "-i", path("ours.key")], ct)[1] == b"", "empty plaintext round trip")

if have_age:
    subprocess.run(["age-keygen", "-o", path("age.key")], capture_output=True, check=True)
    age_pub = public_key(path("age.key"))
    # Ours -> age: one recipient, several, armored, large.
    for name, plain in [("small", plain_small), ("large", plain_large), ("exact", plain_exact)]:
        code, _, _ = run(["encrypt", "-r", age_pub, "-r", ours_pub, "-o", path(name + ".age"), path(name)])
        p = subprocess.run(["age", "-d", "-i", path("age.key"), path(name + ".age")], capture_output=True)
        check(code == 0 and p.returncode == 0 and p.stdout == plain, f"age decrypts our {name} file")
    code, armored, _ = run(["encrypt", "-a", "-R", write("recipients", (age_pub + "\n").encode()), path("large")])
    check(armored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n"), "encrypt -a writes the armor")
    p = subprocess.run(["age", "-d", "-i", path("age.key")], input=armored, capture_output=True)
    check(p.returncode == 0 and p.stdout == plain_large, "age decrypts our armored file")
    # age -> ours.
    for name, plain in [("small", plain_small), ("large", plain_large), ("exact", plain_exact)]:
        subprocess.run(["age", "-r", ours_pub, "-r", age_pub, "-o", path(name + ".by-age"), path(name)], check=True)
        code, pt, _ = run(["decrypt", "-i", path("ours.key"), path(name + ".by-age")])
        check(code == 0 and pt == plain, f"we decrypt age's {name} file")
    subprocess.run(["age", "-a", "-r", ours_pub, "-o", path("large.by-age.asc"), path("large")], check=True)
    code, pt, _ = run(["decrypt", "-i", path("ours.key"), path("large.by-age.asc")])
    check(code == 0 and pt == plain_large, "we decrypt age's armored file")
    # Passphrases: age reads them from a terminal only, so it gets one through a pseudo-terminal.
    def age_with_tty(args, passphrase):
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp("age", ["age"] + args)
        out = b""
        sent = 0
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if b"passphrase" in out.lower()[-200:] and sent < 2 and out.count(b":") > sent:
                os.write(fd, passphrase + b"\n")
                sent += 1
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), out
    status, _ = age_with_tty(["-p", "-o", path("pw.by-age"), path("small")], b"correct horse")
    if status == 0 and os.path.exists(path("pw.by-age")):
        env = dict(os.environ, CARA_PW="correct horse")
        p = subprocess.run([__import__("tool_common").TOOL, "decrypt", "-p", "--passphrase-env", "CARA_PW",
                            path("pw.by-age")], capture_output=True, env=env)
        check(p.returncode == 0 and p.stdout == plain_small, "we decrypt age's passphrase file")
    else:
        check(False, "age -p through a pseudo-terminal")
    env = dict(os.environ, CARA_PW="correct horse")
    p = subprocess.run([__import__("tool_common").TOOL, "encrypt", "-p", "--passphrase-env", "CARA_PW",
                        "-o", path("pw.ours"), path("small")], capture_output=True, env=env)
    status, out = age_with_tty(["-d", "-o", path("pw.ours.out"), path("pw.ours")], b"correct horse")
    check(p.returncode == 0 and status == 0 and read("pw.ours.out") == plain_small, "age decrypts our passphrase file")

# Passphrase from a file descriptor, work factor ceiling.
env_pw = dict(os.environ, CARA_PW="hunter2")
tool = __import__("tool_common").TOOL
p = subprocess.run([tool, "encrypt", "-p", "--passphrase-env", "CARA_PW", "--work-factor", "12", path("small")],
                   capture_output=True, env=env_pw)
pw_file = write("pw.age", p.stdout)
code, pt, _ = run(["decrypt", "-p", "--passphrase-fd", "0", pw_file], b"hunter2\n")
check(code == 0 and pt == plain_small, "decrypt -p --passphrase-fd 0")
expect_failure(["decrypt", "-p", "--passphrase-fd", "0", pw_file], b"wrong\n", "no match", "wrong passphrase")
expect_failure(["decrypt", "-p", "--passphrase-fd", "0", "--work-factor", "11", pw_file], b"hunter2\n",
               "header failure", "work factor above the ceiling")
expect_usage_error(["encrypt", "-p", path("small")], what="-p without a passphrase source")
expect_usage_error(["encrypt", "-p", "hunter2", path("small")], what="a passphrase on the command line is refused")

# KEK rings: rotation by rewrap keeps the payload, old files open with the rotated ring.
ring1 = write("ring1", b"# test ring\nsaves 1 " + os.urandom(32).hex().encode() + b"\n")
ring2 = write("ring2", read("ring1") + b"saves 2 " + os.urandom(32).hex().encode() + b"\n")
code, _, _ = run(["encrypt", "--kek-ring", ring1, "--kek-id", "saves", "-o", path("save.age"), path("large")])
old = read("save.age")
check(code == 0 and b"-> carapace/aes-256-gcm-kek saves 1 " in old, "encrypt to a KEK ring names id and version")
shutil.copy(path("save.age"), path("save.old.age"))
os.chmod(path("save.age"), 0o600)
code, _, _ = run(["rewrap", "--kek-ring", ring2, "--kek-id", "saves", path("save.age")])
new = read("save.age")
check(code == 0 and b"-> carapace/aes-256-gcm-kek saves 2 " in new, "rewrap in place wraps with the newest version")
check(payload_of(new) == payload_of(old), "rewrap leaves the payload byte-identical")
check(os.stat(path("save.age")).st_mode & 0o777 == 0o600, "rewrap in place keeps the file's permissions")
for name in ["save.age", "save.old.age"]:
    code, pt, _ = run(["decrypt", "--kek-ring", ring2, path(name)])
    check(code == 0 and pt == plain_large, f"the rotated ring opens {name}")
expect_failure(["decrypt", "--kek-ring", ring1, path("save.age")], cls="no match", what="version 1 alone cannot open v2")
code, _, _ = run(["rewrap", "--kek-ring", ring2, "-r", ours_pub, "-o", path("save.x25519"), path("save.age")])
code2, pt, _ = run(["decrypt", "-i", path("ours.key"), path("save.x25519")])
check(code == 0 and code2 == 0 and pt == plain_large and payload_of(read("save.x25519")) == payload_of(old),
      "rewrap from a KEK to an X25519 recipient")

# --range equals the slice of the full plaintext.
for start, end in [(0, 1), (65535, 65537), (1000, 3 * 65536 + 5), (len(plain_large) - 10, len(plain_large) + 50)]:
    code, pt, _ = run(["decrypt", "-i", path("ours.key"), "--range", f"{start}:{end}", path("large.by-age")
                       if have_age else path("save.x25519")])
    check(code == 0 and pt == plain_large[start:end], f"--range {start}:{end}")

# Failures: the kit's classes, exit 1, nothing on stdout.
code, ct, _ = run(["encrypt", "-r", ours_pub, path("large")])
bad = bytearray(ct)
bad[-100] ^= 1
code, out, err = run(["decrypt", "-i", path("ours.key")], bytes(bad))
check(code == 1 and b"payload failure" in err, "corrupt last chunk: payload failure, exit 1")
check(out == plain_large[:5 * 65536], "corrupt last chunk: only the chunks that authenticated reach stdout")
bad = bytearray(ct)
bad[len(ct) - len(payload_of(ct)) - 5] ^= 1
expect_failure(["decrypt", "-i", path("ours.key")], bytes(bad), None, "corrupt MAC")
expect_failure(["decrypt", "-i", path("ours.key")], b"age-encryption.org/v2\n", "header failure", "other version")
expect_failure(["decrypt", "-i", path("ours.key")], b"", "header failure", "empty input")
expect_failure(["decrypt", "-i", path("ours.key")], b"-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n", "armor failure",
               "armor without END")
code, out, err = run(["decrypt", "-i", path("ours.key"), "-o", path("out.bin")], ct[:-20])
check(code == 1 and not os.path.exists(path("out.bin")), "a failed decrypt -o leaves no output file")
expect_usage_error(["decrypt", path("large")], what="decrypt without identities")
expect_usage_error(["encrypt", "-r", "age1notakey", path("small")], what="a bad recipient")
expect_usage_error(["encrypt", "--bogus"], what="an unknown option")

# Post-quantum hybrid keys: age-keygen -pq, round trips, and the stanza age specifies.
code, out, err = run(["age-keygen", "-pq", "-o", path("pq.key")])
check(code == 0 and out == b"" and b"Public key: age1pq1" in err, "age-keygen -pq -o writes the key file")
check(os.stat(path("pq.key")).st_mode & 0o077 == 0, "age-keygen -pq -o makes the file private")
pq_pub = public_key(path("pq.key"))
pq_lines = open(path("pq.key")).read().splitlines()
check(len(pq_lines) == 3 and pq_lines[2].startswith("AGE-SECRET-KEY-PQ-1") and len(pq_lines[2]) == 77 and
      pq_pub.startswith("age1pq1") and len(pq_pub) == 1959, "age-keygen -pq: hybrid identity and recipient lines")
for name, plain in [("small", plain_small), ("large", plain_large)]:
    for armor in ([], ["-a"]):
        code, ct, _ = run(["encrypt"] + armor + ["-r", pq_pub, path(name)])
        check(code == 0 and (armor or b"\n-> mlkem768x25519 " in ct), f"encrypt {name} {armor} to a hybrid recipient")
        code, pt, _ = run(["decrypt", "-i", path("pq.key")], ct)
        check(code == 0 and pt == plain, f"decrypt {name} {armor} with a hybrid identity")
code, ct, _ = run(["encrypt", "-R", write("pq.recipients", (pq_pub + "\n").encode()), path("small")])
expect_failure(["decrypt", "-i", path("ours.key")], ct, "no match", "an X25519 identity on a hybrid file")
expect_usage_error(["encrypt", "-r", pq_pub, "-r", ours_pub, path("small")], what="hybrid and X25519 recipients mixed")
expect_usage_error(["encrypt", "-r", pq_pub[:-1] + ("q" if pq_pub[-1] != "q" else "p"), path("small")],
                   what="a hybrid recipient with a bad checksum")

have_typage = shutil.which("node") is not None and os.path.isfile(os.environ.get("TYPAGE", ""))
if not have_typage:
    # Not a pass: a note, so a run without the peer says what it did not check.
    print("note: post-quantum interop with typage not run ($TYPAGE unset or node missing)")
if have_typage:
    peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "age_typage_peer.mjs")

    def typage(args, stdin=b""):
        p = subprocess.run(["node", peer] + args, input=stdin, capture_output=True, timeout=120)
        return p.returncode, p.stdout

    code, keys = typage(["keygen"])
    ty_identity, ty_recipient = keys.decode().split()
    write("typage.key", (ty_identity + "\n").encode())
    for name, plain in [("small", plain_small), ("large", plain_large)]:
        for armor in ([], ["-a"]):
            # Ours -> typage, to its key and to ours; typage -> ours, the same.
            code, ct, _ = run(["encrypt"] + armor + ["-r", ty_recipient, path(name)])
            check(code == 0 and typage(["decrypt", ty_identity], ct) == (0, plain),
                  f"typage decrypts our hybrid {name} file {armor}")
            code, ct = typage(["encrypt"] + armor + [ty_recipient], plain)
            check(code == 0 and run(["decrypt", "-i", path("typage.key")], ct)[1] == plain,
                  f"we decrypt typage's hybrid {name} file {armor}")
            code, ct = typage(["encrypt"] + armor + [pq_pub], plain)
            check(code == 0 and run(["decrypt", "-i", path("pq.key")], ct)[1] == plain,
                  f"typage encrypts to our age-keygen -pq recipient ({name} {armor})")
    code, ct, _ = run(["encrypt", "-r", pq_pub, path("small")])
    check(typage(["decrypt", pq_lines[2]], ct) == (0, plain_small), "typage reads our age-keygen -pq identity")

# Bounded memory: 64 MiB through encrypt and decrypt on stdin, peak RSS read as tool_test.py does
# (VmHWM while the process still runs; ru_maxrss would count the Python it was forked from).
def streamed_peak_mib(args, data, out_name):
    with open(path(out_name), "wb") as out:
        proc = subprocess.Popen([TOOL] + args, stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.DEVNULL)
        for i in range(0, len(data), 1 << 20):
            proc.stdin.write(data[i:i + (1 << 20)])
        proc.stdin.flush()
        peak = next(int(line.split()[1]) for line in open(f"/proc/{proc.pid}/status") if line.startswith("VmHWM:"))
        proc.stdin.close()
        proc.wait()
    return proc.returncode, peak / 1024


big = os.urandom(1 << 20) * 64
code, enc_mib = streamed_peak_mib(["encrypt", "-r", ours_pub], big, "big.age")
code2, dec_mib = streamed_peak_mib(["decrypt", "-i", path("ours.key")], read("big.age"), "big.out")
check(code == 0 and code2 == 0 and read("big.out") == big, "64 MiB round trip through stdin")
limit = 200 if os.environ.get("CARAPACE_SANITIZED") else 32
check(enc_mib < limit and dec_mib < limit, f"64 MiB stream: encrypt {enc_mib:.0f} MiB, decrypt {dec_mib:.0f} MiB peak")
# Armored, both ways through the streaming armor.
code, enc_mib = streamed_peak_mib(["encrypt", "-a", "-r", ours_pub], big, "big.age.asc")
code2, dec_mib = streamed_peak_mib(["decrypt", "-i", path("ours.key")], read("big.age.asc"), "big.out")
check(code == 0 and code2 == 0 and read("big.out") == big, "64 MiB armored round trip through stdin")
check(enc_mib < limit and dec_mib < limit,
      f"64 MiB armored stream: encrypt {enc_mib:.0f} MiB, decrypt {dec_mib:.0f} MiB peak")

shutil.rmtree(work, ignore_errors=True)
