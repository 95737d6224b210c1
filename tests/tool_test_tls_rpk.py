"""carapace-tool s_client and s_server with raw public keys (RFC 7250): the usage errors, then tool
to tool. Run by tool_test.py after tool_test_tls.py, whose helpers it uses (interop with GnuTLS is
tests/tls/cases_rpk.py)."""

import os
import shutil

from tool_common import check, expect_usage_error, run
from tool_test_tls import SCRATCH, Server, s_client, scratch, server_args, summary, tls_file

# Raw public keys (RFC 7250): the usage errors, then tool to tool: the server's bare key pinned by
# the client, a pin that does not match, a server with a raw key only and a client that takes
# none, and the client's raw key taken by a server that pins it.
server_pub, client_pub = tls_file("server.pub.pem"), tls_file("client.pub.pem")
bad_pub = scratch("bad.pub.pem", "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n")
no_pub = scratch("nopub.pem", open(tls_file("server.pem")).read())
missing_pub = os.path.join(SCRATCH, "missing.pub.pem")
client_base = ["s_client", "--connect", "localhost:1"]
for args, wanted in (
        (client_base + ["--raw-public-key", missing_pub], "cannot read"),
        (client_base + ["--raw-public-key", bad_pub], "malformed public key"),
        (client_base + ["--raw-public-key", no_pub], "no PUBLIC KEY block"),
        (client_base + ["--raw-public-key", server_pub, "--insecure"], "excludes"),
        (client_base + ["--raw-public-key", server_pub, "--CAfile", tls_file("root.pem")], "excludes"),
        (client_base + ["--raw-public-key", server_pub, "--status"], "excludes"),
        (client_base + ["--send-raw-public-key"], "needs --key"),
        (client_base + ["--key", tls_file("client.key")], "go together"),
        (client_base + ["--insecure", "--key", tls_file("rsa/client_2048.key"), "--send-raw-public-key"], "raw public keys"),
        (["s_server", "--accept", "1", "--raw-public-key"], "needs --key"),
        (["s_server", "--accept", "1", "--key", tls_file("server.key")], "go together"),
        (["s_server", "--accept", "1", "--key", missing_pub, "--raw-public-key"], "cannot read"),
        (server_args + ["--client-raw-public-key", missing_pub], "cannot read"),
        (server_args + ["--client-raw-public-key", bad_pub], "malformed public key"),
        (server_args + ["--client-raw-public-key", client_pub, "--CAfile", tls_file("root.pem")], "excludes")):
    expect_usage_error(args, names=wanted)
code, out, _ = run(["--help"])
check(all(c in out.decode() for c in ("--raw-public-key", "--send-raw-public-key", "--client-raw-public-key")),
      "--help lists the raw public key options")

def raw_client(port, data, pinned, *extra):
    return run(["s_client", "--connect", f"localhost:{port}", "--raw-public-key", pinned] + list(extra), data)

srv = Server(["--echo", "--num-conns", "2", "--raw-public-key"])
try:
    code, out, err = raw_client(srv.port, b"bare key\n", server_pub)
    fields = summary(err)
    check(code == 0 and out == b"bare key\n" and fields.get("peer") == "raw public key (Ed25519)" and
          fields.get("verify") == "ok", f"s_client --raw-public-key: exit {code}, {err!r}")
    # Without --raw-public-key the same server sends its chain.
    code, out, err = s_client(srv.port, b"chain\n")
    check(code == 0 and out == b"chain\n", f"s_server --raw-public-key --cert serves X.509 clients: {err!r}")
    check(srv.wait() == 0, f"s_server --raw-public-key: {srv.err()!r}")
finally:
    srv.stop()
srv = Server(["--num-conns", "1", "--raw-public-key"])
try:
    code, _, err = raw_client(srv.port, b"", client_pub)
    fields = summary(err)
    check(code == 1 and fields.get("verify") == "pin mismatch" and fields.get("alert") == "bad_certificate",
          f"a raw key that is not the pinned one: exit {code}, {err!r}")
finally:
    srv.stop()
srv = Server(["--num-conns", "1", "--key", tls_file("server.key"), "--raw-public-key"], cert=None)
try:
    code, _, err = s_client(srv.port, b"")
    check(code == 1 and summary(err).get("alert") == "unsupported_certificate",
          f"a raw-key-only server and an X.509 client: exit {code}, {err!r}")
finally:
    srv.stop()
srv = Server(["--echo", "--num-conns", "1", "--client-raw-public-key", client_pub])
try:
    code, out, err = s_client(srv.port, b"my bare key\n", "--key", tls_file("client.key"), "--send-raw-public-key")
    check(code == 0 and out == b"my bare key\n", f"s_client --send-raw-public-key: exit {code}, {err!r}")
    check(srv.wait() == 0 and b"peer: raw public key (Ed25519)\n" in srv.err(), f"the client's raw key: {srv.err()!r}")
finally:
    srv.stop()
srv = Server(["--num-conns", "1", "--client-raw-public-key", client_pub])
try:
    code, _, err = s_client(srv.port, b"", "--key", tls_file("server.key"), "--send-raw-public-key")
    check(code == 1 and b"verify: pin mismatch\n" in srv.err(), f"a client raw key not pinned: {srv.err()!r}")
finally:
    srv.stop()

# The last user of tool_test_tls.py's scratch folder.
shutil.rmtree(SCRATCH, ignore_errors=True)
