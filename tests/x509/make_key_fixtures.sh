#!/usr/bin/env bash
# Regenerates the EC key fixtures in tests/vectors/keys with the openssl command line: for P-256
# and P-384, a PKCS#8 key (`openssl genpkey`, "PRIVATE KEY"), an RFC 5915 key (`openssl ecparam
# -genkey -noout`, "EC PRIVATE KEY") and the public key of each (SubjectPublicKeyInfo, "PUBLIC
# KEY"); one P-521 and one secp256k1 key, for curves we name or do not know; and expected.json
# with the private scalar and public point openssl prints for each key (`openssl pkey -text`).
# Run from the repository root: bash tests/x509/make_key_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/keys
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The hex of one field ("priv:" or "pub:") of `openssl pkey -text`.
field() { openssl pkey -in "$1.pem" -noout -text | sed -n "/^$2:/,/^[A-Za-z]/p" | sed '1d;$d' | tr -d ' :\n'; }

names=()
for curve in P-256 P-384; do
  short=$(echo "$curve" | tr -d '-' | tr 'P' 'p')
  openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$curve" -out "${short}_pkcs8.pem" 2>/dev/null
  openssl ecparam -genkey -name "$([ "$curve" = P-256 ] && echo prime256v1 || echo secp384r1)" -noout \
    -out "${short}_sec1.pem" 2>/dev/null
  names+=("${short}_pkcs8" "${short}_sec1")
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521_pkcs8.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out secp256k1_pkcs8.pem 2>/dev/null
names+=(p521_pkcs8 secp256k1_pkcs8)

{
  echo "{"
  first=1
  for name in "${names[@]}"; do
    openssl pkey -in "$name.pem" -pubout -out "${name%_*}_${name##*_}_public.pem"
    cp "$name.pem" "$out/$name.pem"
    cp "${name%_*}_${name##*_}_public.pem" "$out/${name}_public.pem"
    [ $first = 1 ] || echo ","
    first=0
    curve=$(openssl pkey -in "$name.pem" -noout -text | sed -n 's/^ASN1 OID: //p')
    printf '  "%s": {"curve": "%s", "private": "%s", "public": "%s"}' "$name" "$curve" "$(field "$name" priv)" \
      "$(field "$name" pub)"
  done
  echo
  echo "}"
} > "$out/expected.json"
