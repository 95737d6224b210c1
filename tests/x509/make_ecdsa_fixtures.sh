#!/usr/bin/env bash
# Regenerates the ECDSA fixtures in tests/vectors/x509/ecdsa with the openssl command line: chains
# whose roots, intermediates and leaves mix P-256, P-384 and Ed25519 keys and sign with
# ecdsa-with-SHA256/384/512 (RFC 5758 lets any of the three go with either curve); an issuer under
# the P-256 intermediate's name holding a P-384 key (its "signatures" are the wrong curve's); a
# P-521 intermediate (a curve we name but do not verify); and a CRL and an OCSP response signed by
# the P-256 intermediate. Run from the repository root: bash tests/x509/make_ecdsa_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/ecdsa
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# key NAME ALGORITHM: ed25519, P-256, P-384 or P-521.
key() {
  if [ "$2" = ed25519 ]; then openssl genpkey -algorithm ed25519 -out "$1.key" 2>/dev/null
  else openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1.key" 2>/dev/null; fi
}
# cert NAME SUBJECT ISSUER DIGEST EXTENSIONS...: ISSUER's key signs NAME's ("self": its own) with
# DIGEST (sha256, sha384, sha512; ignored by Ed25519 signers).
cert() {
  local name=$1 subject=$2 issuer=$3 digest=$4
  shift 4
  local ext=() md=()
  for e in "$@"; do ext+=(-addext "$e"); done
  local signer=$issuer
  [ "$issuer" = self ] && signer=$name
  openssl pkey -in "$signer.key" -noout -text 2>/dev/null | grep -q ED25519 || md=(-"$digest")
  if [ "$issuer" = self ]; then
    openssl req -x509 -new -key "$name.key" -subj "$subject" -days 3650 "${md[@]}" -set_serial "0x1$(openssl rand -hex 8)" \
      "${ext[@]}" -out "$name.pem" 2>/dev/null
  else
    openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days 3000 "${md[@]}" -copy_extensions copyall \
      -set_serial "0x1$(openssl rand -hex 8)" -out "$name.pem" 2>/dev/null
  fi
}
ca=("basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign")
leaf=("basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth"
      "subjectAltName=DNS:www.example.com")

# A P-384 root (SHA-384) -> a P-256 intermediate (SHA-384) -> an Ed25519 leaf (SHA-256).
key root_p384 P-384
cert root_p384 "/CN=carapace ECDSA P-384 root/O=carapace" self sha384 "${ca[@]}"
key intermediate_p256 P-256
cert intermediate_p256 "/CN=carapace ECDSA P-256 intermediate/O=carapace" root_p384 sha384 "${ca[@]}"
key leaf_ed25519 ed25519
cert leaf_ed25519 "/CN=www.example.com" intermediate_p256 sha256 "${leaf[@]}"
# An Ed25519 root -> a P-384 intermediate -> a P-256 leaf signed with SHA-512.
key root_ed25519 ed25519
cert root_ed25519 "/CN=carapace Ed25519 root/O=carapace" self sha256 "${ca[@]}"
key intermediate_p384 P-384
cert intermediate_p384 "/CN=carapace ECDSA P-384 intermediate/O=carapace" root_ed25519 sha256 "${ca[@]}"
key leaf_p256 P-256
cert leaf_p256 "/CN=www.example.com" intermediate_p384 sha512 "${leaf[@]}"
# A P-256 root signing a P-384 leaf with SHA-384 directly.
key root_p256 P-256
cert root_p256 "/CN=carapace ECDSA P-256 root/O=carapace" self sha256 "${ca[@]}"
key leaf_p384 P-384
cert leaf_p384 "/CN=www.example.com" root_p256 sha384 "${leaf[@]}"
# The P-256 intermediate's name with a P-384 key, self-signed.
key rogue_p384 P-384
cert rogue_p384 "/CN=carapace ECDSA P-256 intermediate/O=carapace" self sha384 "${ca[@]}"
# A P-521 intermediate under the P-384 root, and a leaf it signs.
key intermediate_p521 P-521
cert intermediate_p521 "/CN=carapace ECDSA P-521 intermediate/O=carapace" root_p384 sha384 "${ca[@]}"
key leaf_by_p521 ed25519
cert leaf_by_p521 "/CN=www.example.com" intermediate_p521 sha512 "${leaf[@]}"
# A second Ed25519 leaf under the P-256 intermediate: the CRL revokes it.
key revoked_leaf ed25519
cert revoked_leaf "/CN=www.example.com" intermediate_p256 sha256 "${leaf[@]}"

# The P-256 intermediate's CRL (SHA-256) and an OCSP response it signs for leaf_ed25519 (SHA-384).
far=$(date -u -d "+3000 days" +%y%m%d%H%M%SZ)
revoked_at=$(date -u -d "-1 day" +%y%m%d%H%M%SZ)
serial() { openssl x509 -in "$1.pem" -noout -serial | cut -d= -f2; }
printf 'V\t%s\t\t%s\tunknown\t/CN=www.example.com\n' "$far" "$(serial leaf_ed25519)" > index.txt
printf 'R\t%s\t%s,keyCompromise\t%s\tunknown\t/CN=www.example.com\n' "$far" "$revoked_at" "$(serial revoked_leaf)" >> index.txt
cat > ca.cnf <<CNF
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 30
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF
echo 01 > crlnumber
openssl ca -gencrl -config ca.cnf -cert intermediate_p256.pem -keyfile intermediate_p256.key -out crl_p256.pem 2>/dev/null
openssl crl -in crl_p256.pem -noout -CAfile <(cat root_p384.pem intermediate_p256.pem) 2>&1 | grep -q "verify OK"
openssl ocsp -issuer intermediate_p256.pem -cert leaf_ed25519.pem -no_nonce -reqout ocsp.req 2>/dev/null
openssl ocsp -index index.txt -CA intermediate_p256.pem -rsigner intermediate_p256.pem -rkey intermediate_p256.key \
  -rmd sha384 -reqin ocsp.req -ndays 7 -respout ocsp_p256.der 2>/dev/null
openssl ocsp -respin ocsp_p256.der -CAfile <(cat root_p384.pem intermediate_p256.pem) -issuer intermediate_p256.pem \
  -cert leaf_ed25519.pem 2>&1 | grep -q "Response verify OK"

# openssl must accept each chain it made.
openssl verify -CAfile root_p384.pem -untrusted intermediate_p256.pem leaf_ed25519.pem >/dev/null
openssl verify -CAfile root_ed25519.pem -untrusted intermediate_p384.pem leaf_p256.pem >/dev/null
openssl verify -CAfile root_p256.pem leaf_p384.pem >/dev/null
openssl verify -CAfile root_p384.pem -untrusted intermediate_p521.pem leaf_by_p521.pem >/dev/null

for name in root_p384 intermediate_p256 leaf_ed25519 root_ed25519 intermediate_p384 leaf_p256 root_p256 leaf_p384 \
  rogue_p384 intermediate_p521 leaf_by_p521 revoked_leaf crl_p256; do
  cp "$name.pem" "$out/$name.pem"
done
cp ocsp_p256.der "$out/ocsp_p256.der"
# The signature algorithm openssl reads in each, for the tests to compare with.
{
  echo "{"
  first=1
  for name in root_p384 intermediate_p256 leaf_ed25519 root_ed25519 intermediate_p384 leaf_p256 root_p256 leaf_p384; do
    [ $first = 1 ] || echo ","
    first=0
    printf '  "%s": "%s"' "$name" "$(openssl x509 -in "$name.pem" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | head -1)"
  done
  echo
  echo "}"
} > "$out/signed_with.json"
