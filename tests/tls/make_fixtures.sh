#!/usr/bin/env bash
# Regenerates the TLS test PKI in tests/vectors/tls with the openssl command line: an Ed25519
# root, an intermediate, a server leaf (localhost, 127.0.0.1) and a client leaf, each with its
# PKCS#8 key, plus a second unrelated root for "untrusted chain" tests. The leaf files hold the
# chain (leaf, then intermediate) as s_server --cert expects. Valid for a century, so the tests
# do not expire. Run from the repository root: bash tests/tls/make_fixtures.sh
set -euo pipefail
out=tests/vectors/tls
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

key() { openssl genpkey -algorithm ed25519 -out "$1.key" 2>/dev/null; }
ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")

key root
openssl req -x509 -new -key root.key -subj "/CN=carapace test root" -days 36500 "${ca_ext[@]}" -out root.pem
key other_root
openssl req -x509 -new -key other_root.key -subj "/CN=carapace untrusted root" -days 36500 "${ca_ext[@]}" \
  -out other_root.pem

# issue NAME SUBJECT ISSUER EXTENSIONS...
issue() {
  local name=$1 subject=$2 issuer=$3
  shift 3
  local ext=()
  for e in "$@"; do ext+=(-addext "$e"); done
  openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days 36500 -copy_extensions copyall \
    -set_serial "0x$(openssl rand -hex 8)" -out "$name.pem" 2>/dev/null
}

key intermediate
issue intermediate "/CN=carapace test intermediate" root "basicConstraints=critical,CA:TRUE,pathlen:0" \
  "keyUsage=critical,keyCertSign,cRLSign"
key server
issue server "/CN=localhost" intermediate "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth"
key client
issue client "/CN=carapace test client" intermediate "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=clientAuth"
key stranger
issue stranger "/CN=localhost" other_root "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth"

cp root.pem other_root.pem "$OLDPWD/$out/"
for leaf in server client; do
  cat "$leaf.pem" intermediate.pem >"$OLDPWD/$out/$leaf.pem"
  cp "$leaf.key" "$OLDPWD/$out/$leaf.key"
done
cp stranger.pem "$OLDPWD/$out/stranger.pem"
cp stranger.key "$OLDPWD/$out/stranger.key"
# The leaves' public keys alone (SubjectPublicKeyInfo PEM), for raw public keys (RFC 7250).
for leaf in server client; do
  openssl pkey -in "$leaf.key" -pubout -out "$OLDPWD/$out/$leaf.pub.pem"
done
