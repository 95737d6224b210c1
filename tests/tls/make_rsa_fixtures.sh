#!/usr/bin/env bash
# Regenerates the RSA test PKI for TLS in tests/vectors/tls/rsa with the openssl command line: two
# chains, RSA-2048 (sha256WithRSAEncryption throughout) and RSA-3072 (sha384WithRSAEncryption),
# each a root, an intermediate, a server leaf (localhost, 127.0.0.1) and a client leaf; and a
# server leaf whose key is an id-RSASSA-PSS SubjectPublicKeyInfo (RFC 4055 §3.1, limited to
# SHA-256), under the RSA-2048 intermediate, for the rsa_pss_pss_* schemes (RFC 8446 §4.2.3).
# Leaves sign CertificateVerify with RSASSA-PSS; certificates carry PKCS#1 v1.5 signatures, which
# a client accepts through signature_algorithms_cert (rsa_pkcs1_sha256/384). Keys come in both
# formats a tool is handed: PKCS#8 ("PRIVATE KEY", RFC 5958) for the servers, PKCS#1
# ("RSA PRIVATE KEY", RFC 8017 A.1.2) for the clients. Leaf files hold the chain (leaf, then
# intermediate). Valid for a century.
# Run from the repository root: bash tests/tls/make_rsa_fixtures.sh
set -euo pipefail
out=tests/vectors/tls/rsa
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")

# rsakey NAME BITS pkcs8|pkcs1|pss
rsakey() {
  case $3 in
    pkcs8) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1.key" 2>/dev/null ;;
    pkcs1) openssl genrsa -traditional -out "$1.key" "$2" 2>/dev/null ;;
    pss) openssl genpkey -algorithm RSA-PSS -pkeyopt "rsa_keygen_bits:$2" -pkeyopt rsa_pss_keygen_md:sha256 \
           -pkeyopt rsa_pss_keygen_mgf1_md:sha256 -pkeyopt rsa_pss_keygen_saltlen:32 -out "$1.key" 2>/dev/null ;;
  esac
}

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

server_ext=("subjectAltName=DNS:localhost,IP:127.0.0.1" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth")
client_ext=("keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth")

# chain BITS DIGEST
chain() {
  local bits=$1 digest=$2
  rsakey "root_$bits" "$bits" pkcs8
  openssl req -x509 -new -key "root_$bits.key" "-$digest" -subj "/CN=carapace RSA-$bits test root" -days 36500 \
    "${ca_ext[@]}" -out "root_$bits.pem"
  rsakey "intermediate_$bits" "$bits" pkcs8
  issue "intermediate_$bits" "/CN=carapace RSA-$bits test intermediate" "root_$bits" "$digest" \
    "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  rsakey "server_$bits" "$bits" pkcs8
  issue "server_$bits" "/CN=localhost" "intermediate_$bits" "$digest" "${server_ext[@]}"
  rsakey "client_$bits" "$bits" pkcs1
  issue "client_$bits" "/CN=carapace RSA-$bits test client" "intermediate_$bits" "$digest" "${client_ext[@]}"
}
chain 2048 sha256
chain 3072 sha384
rsakey server_pss 2048 pss
issue server_pss "/CN=localhost" intermediate_2048 sha256 "${server_ext[@]}"

openssl verify -CAfile root_2048.pem -untrusted intermediate_2048.pem server_2048.pem client_2048.pem server_pss.pem >/dev/null
openssl verify -CAfile root_3072.pem -untrusted intermediate_3072.pem server_3072.pem client_3072.pem >/dev/null

cp root_2048.pem root_3072.pem "$OLDPWD/$out/"
for leaf in server_2048 client_2048 server_pss; do
  cat "$leaf.pem" intermediate_2048.pem >"$OLDPWD/$out/$leaf.pem"
  cp "$leaf.key" "$OLDPWD/$out/"
done
for leaf in server_3072 client_3072; do
  cat "$leaf.pem" intermediate_3072.pem >"$OLDPWD/$out/$leaf.pem"
  cp "$leaf.key" "$OLDPWD/$out/"
done
