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

for name in root intermediate leaf; do cp "$name.pem" "$OLDPWD/$out/$name.pem"; done

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
