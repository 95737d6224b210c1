#!/usr/bin/env bash
# Regenerates the X.509 fixtures in tests/vectors/x509 with the openssl command line, and
# expected.json with what openssl itself reads out of each certificate (serial, validity, CA
# flag, path length, SANs), which the parser tests compare against. Run from the repository
# root: bash tests/x509/make_fixtures.sh
set -euo pipefail
out=tests/vectors/x509
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

key() { openssl genpkey -algorithm ed25519 -out "$1.key" 2>/dev/null; }
# cert NAME SUBJECT ISSUER_NAME DAYS EXTENSIONS...: signs NAME's key with ISSUER_NAME's key
# (itself when ISSUER_NAME is "self").
cert() {
  local name=$1 subject=$2 issuer=$3 days=$4
  shift 4
  local ext=()
  for e in "$@"; do ext+=(-addext "$e"); done
  if [ "$issuer" = self ]; then
    openssl req -x509 -new -key "$name.key" -subj "$subject" -days "$days" "${ext[@]}" -out "$name.pem" 2>/dev/null
  else
    openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days "$days" -copy_extensions copyall \
      -set_serial "0x$(openssl rand -hex 8)" -out "$name.pem" 2>/dev/null
  fi
}

key root
cert root "/CN=carapace test root/O=carapace" self 7300 \
  "basicConstraints=critical,CA:TRUE,pathlen:1" "keyUsage=critical,keyCertSign,cRLSign"
key intermediate
cert intermediate "/CN=carapace test intermediate/O=carapace" root 3650 \
  "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign" \
  "nameConstraints=critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,excluded;DNS:bad.example.com"
key leaf
cert leaf "/CN=www.example.com" intermediate 825 \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth,clientAuth" \
  "subjectAltName=DNS:www.example.com,DNS:*.api.example.com,IP:192.0.2.7"

# One fixture per way a chain can fail (the tests choose the time, host and purpose; expired and
# not-yet-valid come from the time they pass).
# Another root, and the intermediate's key and name certified by it too: a cross-signed path.
key root2
cert root2 "/CN=carapace second root/O=carapace" self 7300 \
  "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign"
cp intermediate.key intermediate_cross.key
cert intermediate_cross "/CN=carapace test intermediate/O=carapace" root2 3650 \
  "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign" \
  "nameConstraints=critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,excluded;DNS:bad.example.com"
# Same name as the intermediate, another key: what it signs fails the signature check.
key rogue
openssl req -x509 -new -key rogue.key -subj "/CN=carapace test intermediate/O=carapace" -days 30 -out rogue.pem 2>/dev/null
key forged_leaf
cert forged_leaf "/CN=www.example.com" rogue 825 "subjectAltName=DNS:www.example.com"
# An issuer without cA.
key not_ca
cert not_ca "/CN=carapace not a CA" root 3650 "basicConstraints=critical,CA:FALSE" "keyUsage=critical,keyCertSign"
key not_ca_leaf
cert not_ca_leaf "/CN=www.example.com" not_ca 825 "subjectAltName=DNS:www.example.com"
# A second intermediate below the one with pathlen:0.
key sub_intermediate
cert sub_intermediate "/CN=carapace sub intermediate/O=carapace" intermediate 3650 \
  "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign"
key deep_leaf
cert deep_leaf "/CN=www.example.com" sub_intermediate 825 "subjectAltName=DNS:www.example.com"
# Outside the intermediate's permitted names, and inside its excluded ones.
key outside_leaf
cert outside_leaf "/CN=www.example.org" intermediate 825 "subjectAltName=DNS:www.example.org"
key excluded_leaf
cert excluded_leaf "/CN=x.bad.example.com" intermediate 825 "subjectAltName=DNS:x.bad.example.com"
# An unknown critical extension.
key critical_leaf
cert critical_leaf "/CN=www.example.com" intermediate 825 "subjectAltName=DNS:www.example.com" "1.3.6.1.4.1.55555.1=critical,DER:0500"
# Client-only key purpose.
key client_leaf
cert client_leaf "/CN=www.example.com" intermediate 825 "subjectAltName=DNS:www.example.com" "extendedKeyUsage=clientAuth"
# An ECDSA P-256 intermediate between Ed25519 certificates (tests/x509/make_ecdsa_fixtures.sh has more).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ecdsa_intermediate.key 2>/dev/null
cert ecdsa_intermediate "/CN=carapace ECDSA intermediate/O=carapace" root 3650 \
  "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign"
key ecdsa_leaf
cert ecdsa_leaf "/CN=www.example.com" ecdsa_intermediate 825 "subjectAltName=DNS:www.example.com"
# A self-signed leaf with the TLS Feature status_request (RFC 7633, "must staple").
key must_staple
cert must_staple "/CN=must staple" self 36500 "tlsfeature=status_request" "subjectAltName=DNS:localhost"

# A key pair in PKCS#8 and SubjectPublicKeyInfo form.
key pair
cp pair.key pair_private.pem
openssl pkey -in pair.key -pubout -out pair_public.pem
# The root's DER as a C++ string of hex digits, for a trust anchor embedded at compile time.
openssl x509 -in root.pem -outform der | od -An -v -tx1 | tr -d ' \n' | sed 's/.*/"&"/' > root_der.inc

for name in pair_private pair_public; do cp "$name.pem" "$OLDPWD/$out/$name.pem"; done
cp root_der.inc "$OLDPWD/$out/root_der.inc"
for name in root intermediate leaf root2 intermediate_cross rogue forged_leaf not_ca not_ca_leaf \
  sub_intermediate deep_leaf outside_leaf excluded_leaf critical_leaf client_leaf ecdsa_intermediate ecdsa_leaf \
  must_staple; do
  cp "$name.pem" "$OLDPWD/$out/$name.pem"
done

# What openssl reads: the expectations.
{
  echo "{"
  first=1
  for name in root intermediate leaf; do
    [ $first = 1 ] || echo ","
    first=0
    serial=$(openssl x509 -in "$name.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
    nb=$(date -u -d "$(openssl x509 -in "$name.pem" -noout -startdate | cut -d= -f2)" +%s)
    na=$(date -u -d "$(openssl x509 -in "$name.pem" -noout -enddate | cut -d= -f2)" +%s)
    text=$(openssl x509 -in "$name.pem" -noout -text)
    ca=false; grep -q "CA:TRUE" <<<"$text" && ca=true
    pathlen=$(grep -o "pathlen:[0-9]*" <<<"$text" | cut -d: -f2 || true)
    sans=$(openssl x509 -in "$name.pem" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ' || true)
    printf '  "%s": {"serial": "%s", "not_before": %s, "not_after": %s, "is_ca": %s, "path_length": %s, "san": "%s"}' \
      "$name" "$serial" "$nb" "$na" "$ca" "${pathlen:--1}" "$sans"
  done
  echo
  echo "}"
} > "$OLDPWD/$out/expected.json"
