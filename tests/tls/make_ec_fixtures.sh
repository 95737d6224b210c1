#!/usr/bin/env bash
# Regenerates the ECDSA test PKI for TLS in tests/vectors/tls/ec with the openssl command line:
# a P-384 root (ecdsa-with-SHA384), a P-256 intermediate it signs (ecdsa-with-SHA384), and server
# leaves (localhost, 127.0.0.1) and client leaves with P-256 and P-384 keys that the intermediate
# signs (ecdsa-with-SHA256); and a chain of P-256 keys alone (p256_root.pem, server_p256_only.pem).
# Two "stranger" leaves (P-256, P-384, localhost) come from a second
# ECDSA root that is not kept, for "untrusted chain" tests. The leaves sign CertificateVerify with ecdsa_secp256r1_sha256 and
# ecdsa_secp384r1_sha384 (RFC 8446 §4.2.3); every certificate signature is one of those schemes,
# so a peer's signature_algorithms list covers the chain. Keys come in both formats a tool is handed: PKCS#8
# ("PRIVATE KEY", RFC 5958) for the P-256 server and P-384 client, RFC 5915 ("EC PRIVATE KEY")
# for the others. Leaf files hold the chain (leaf, then intermediate). Valid for a century.
# Run from the repository root: bash tests/tls/make_ec_fixtures.sh
set -euo pipefail
out=tests/vectors/tls/ec
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")

# eckey NAME CURVE pkcs8|sec1
eckey() {
  if [ "$3" = pkcs8 ]; then
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -pkeyopt ec_param_enc:named_curve -out "$1.key"
  else
    openssl ecparam -name "$2" -genkey -noout -out "$1.key"
  fi
}

eckey root P-384 pkcs8
openssl req -x509 -new -key root.key -sha384 -subj "/CN=carapace ECDSA test root" -days 36500 "${ca_ext[@]}" \
  -out root.pem

# issue NAME SUBJECT ISSUER DIGEST EXTENSIONS...
issue() {
  local name=$1 subject=$2 issuer=$3 digest=$4
  shift 4
  local ext=()
  for e in "$@"; do ext+=(-addext "$e"); done
  openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" "-$digest" -days 36500 \
    -copy_extensions copyall -set_serial "0x$(openssl rand -hex 8)" -out "$name.pem" 2>/dev/null
}

eckey intermediate P-256 pkcs8
issue intermediate "/CN=carapace ECDSA test intermediate" root sha384 "basicConstraints=critical,CA:TRUE,pathlen:0" \
  "keyUsage=critical,keyCertSign,cRLSign"

server_ext=("subjectAltName=DNS:localhost,IP:127.0.0.1" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth")
client_ext=("keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth")
eckey server_p256 P-256 pkcs8
issue server_p256 "/CN=localhost" intermediate sha256 "${server_ext[@]}"
eckey server_p384 P-384 sec1
issue server_p384 "/CN=localhost" intermediate sha256 "${server_ext[@]}"
eckey client_p256 P-256 sec1
issue client_p256 "/CN=carapace ECDSA test client P-256" intermediate sha256 "${client_ext[@]}"
eckey client_p384 P-384 pkcs8
issue client_p384 "/CN=carapace ECDSA test client P-384" intermediate sha256 "${client_ext[@]}"

# A chain of P-256 keys only (root, intermediate, server leaf; ecdsa-with-SHA256 throughout), for
# the benchmark's "ECDSA P-256 chain" handshake, which then checks P-256 signatures alone.
eckey p256_root P-256 pkcs8
openssl req -x509 -new -key p256_root.key -sha256 -subj "/CN=carapace ECDSA P-256 test root" -days 36500 \
  "${ca_ext[@]}" -out p256_root.pem
eckey p256_intermediate P-256 pkcs8
issue p256_intermediate "/CN=carapace ECDSA P-256 test intermediate" p256_root sha256 \
  "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
eckey server_p256_only P-256 pkcs8
issue server_p256_only "/CN=localhost" p256_intermediate sha256 "${server_ext[@]}"

eckey other_root P-256 pkcs8
openssl req -x509 -new -key other_root.key -sha256 -subj "/CN=carapace untrusted ECDSA root" -days 36500 \
  "${ca_ext[@]}" -out other_root.pem
eckey stranger_p256 P-256 pkcs8
issue stranger_p256 "/CN=localhost" other_root sha256 "${server_ext[@]}"
eckey stranger_p384 P-384 pkcs8
issue stranger_p384 "/CN=localhost" other_root sha256 "${server_ext[@]}"

cp root.pem p256_root.pem "$OLDPWD/$out/"
cat server_p256_only.pem p256_intermediate.pem >"$OLDPWD/$out/server_p256_only.pem"
cp server_p256_only.key "$OLDPWD/$out/"
for leaf in stranger_p256 stranger_p384; do
  cp "$leaf.pem" "$leaf.key" "$OLDPWD/$out/"
done
for leaf in server_p256 server_p384 client_p256 client_p384; do
  cat "$leaf.pem" intermediate.pem >"$OLDPWD/$out/$leaf.pem"
  cp "$leaf.key" "$OLDPWD/$out/$leaf.key"
done
# The P-256 leaves' public keys alone (SubjectPublicKeyInfo PEM), for raw public keys (RFC 7250).
for leaf in server_p256 client_p256; do
  openssl pkey -in "$leaf.key" -pubout -out "$OLDPWD/$out/$leaf.pub.pem"
done
