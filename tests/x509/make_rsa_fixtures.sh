#!/usr/bin/env bash
# Regenerates the RSA fixtures in tests/vectors/x509/rsa with the openssl command line:
#   - an RSA-2048 chain signed with sha256WithRSAEncryption (RFC 4055 §5: PKCS#1 v1.5);
#   - an RSA-3072 chain signed with sha384WithRSAEncryption (root, leaf) and sha512 (intermediate);
#   - a chain signed with RSASSA-PSS (RFC 4055 §3.1) in the three encodings the CA/B Baseline
#     Requirements §7.1.3.2.1 allow: SHA-256/MGF1-SHA-256/salt 32, SHA-384/48, SHA-512/64;
#   - an intermediate whose key is an id-RSASSA-PSS SubjectPublicKeyInfo limited to
#     SHA-256/MGF1-SHA-256/salt 32 (RFC 4055 §3.1), and a leaf it signs with those parameters;
#   - a leaf signed with PSS SHA-256 and a 20-byte salt (valid under RFC 5280, not an encoding the
#     Baseline Requirements allow), an RSA-2052 leaf (a modulus size not a multiple of 8, BR
#     §6.1.5) and a P-256 leaf under the RSA-2048 intermediate (RSA anchors ECDSA chains);
#   - a CRL signed with sha256WithRSAEncryption and an OCSP response signed with RSASSA-PSS by the
#     RSA-2048 intermediate.
# Run from the repository root: bash tests/x509/make_rsa_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/rsa
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# key NAME BITS [PSS-RESTRICTION-DIGEST]: an rsaEncryption key, or an RSASSA-PSS key limited to one hash.
key() {
  if [ -n "${3:-}" ]; then
    openssl genpkey -algorithm RSA-PSS -pkeyopt "rsa_keygen_bits:$2" -pkeyopt "rsa_pss_keygen_md:$3" \
      -pkeyopt "rsa_pss_keygen_mgf1_md:$3" -pkeyopt "rsa_pss_keygen_saltlen:32" -out "$1.key" 2>/dev/null
  else
    openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1.key" 2>/dev/null
  fi
}
# cert NAME SUBJECT ISSUER SIGNATURE EXTENSIONS...: ISSUER's key ("self": NAME's) signs NAME's.
# SIGNATURE: pkcs1-sha256|384|512 or pss-sha256|384|512[-SALT] (salt: the hash length by default).
cert() {
  local name=$1 subject=$2 issuer=$3 signature=$4
  shift 4
  local ext=() sig=()
  for e in "$@"; do ext+=(-addext "$e"); done
  local digest=${signature#*-}
  digest=${digest%%-*}
  sig=(-"$digest")
  if [[ $signature == pss-* ]]; then
    local salt=${signature##*-}
    [[ $salt == sha* ]] && salt=digest
    sig+=(-sigopt rsa_padding_mode:pss -sigopt "rsa_pss_saltlen:$salt" -sigopt "rsa_mgf1_md:$digest")
  fi
  if [ "$issuer" = self ]; then
    openssl req -x509 -new -key "$name.key" -subj "$subject" -days 3650 "${sig[@]}" \
      -set_serial "0x1$(openssl rand -hex 8)" "${ext[@]}" -out "$name.pem" 2>/dev/null
  else
    openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days 3000 "${sig[@]}" \
      -copy_extensions copyall -set_serial "0x1$(openssl rand -hex 8)" -out "$name.pem" 2>/dev/null
  fi
}
ca=("basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign")
leaf=("basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth"
      "subjectAltName=DNS:www.example.com")

key root_2048 2048
cert root_2048 "/CN=carapace RSA-2048 root/O=carapace" self pkcs1-sha256 "${ca[@]}"
key intermediate_2048 2048
cert intermediate_2048 "/CN=carapace RSA-2048 intermediate/O=carapace" root_2048 pkcs1-sha256 "${ca[@]}"
key leaf_2048 2048
cert leaf_2048 "/CN=www.example.com" intermediate_2048 pkcs1-sha256 "${leaf[@]}"

key root_3072 3072
cert root_3072 "/CN=carapace RSA-3072 root/O=carapace" self pkcs1-sha384 "${ca[@]}"
key intermediate_3072 3072
cert intermediate_3072 "/CN=carapace RSA-3072 intermediate/O=carapace" root_3072 pkcs1-sha512 "${ca[@]}"
key leaf_3072 3072
cert leaf_3072 "/CN=www.example.com" intermediate_3072 pkcs1-sha384 "${leaf[@]}"

key root_pss 2048
cert root_pss "/CN=carapace RSA-PSS root/O=carapace" self pss-sha256 "${ca[@]}"
key intermediate_pss 3072
cert intermediate_pss "/CN=carapace RSA-PSS intermediate/O=carapace" root_pss pss-sha384 "${ca[@]}"
key leaf_pss 2048
cert leaf_pss "/CN=www.example.com" intermediate_pss pss-sha512 "${leaf[@]}"
key leaf_pss_salt_20 2048
cert leaf_pss_salt_20 "/CN=www.example.com" root_pss pss-sha256-20 "${leaf[@]}"

key intermediate_pss_key 2048 sha256
cert intermediate_pss_key "/CN=carapace RSASSA-PSS key intermediate/O=carapace" root_2048 pkcs1-sha256 "${ca[@]}"
key leaf_by_pss_key 2048
cert leaf_by_pss_key "/CN=www.example.com" intermediate_pss_key pss-sha256 "${leaf[@]}"

key leaf_2052 2052
cert leaf_2052 "/CN=www.example.com" intermediate_2048 pkcs1-sha256 "${leaf[@]}"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf_p256.key 2>/dev/null
cert leaf_p256 "/CN=www.example.com" intermediate_2048 pkcs1-sha256 "${leaf[@]}"
key revoked_leaf 2048
cert revoked_leaf "/CN=www.example.com" intermediate_2048 pkcs1-sha256 "${leaf[@]}"

# The RSA-2048 intermediate's CRL (sha256WithRSAEncryption) and an OCSP response for leaf_2048
# signed with RSASSA-PSS SHA-256 (salt 32).
far=$(date -u -d "+3000 days" +%y%m%d%H%M%SZ)
revoked_at=$(date -u -d "-1 day" +%y%m%d%H%M%SZ)
serial() { openssl x509 -in "$1.pem" -noout -serial | cut -d= -f2; }
printf 'V\t%s\t\t%s\tunknown\t/CN=www.example.com\n' "$far" "$(serial leaf_2048)" > index.txt
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
openssl ca -gencrl -config ca.cnf -cert intermediate_2048.pem -keyfile intermediate_2048.key -out crl_2048.pem 2>/dev/null
openssl crl -in crl_2048.pem -noout -CAfile <(cat root_2048.pem intermediate_2048.pem) 2>&1 | grep -q "verify OK"
openssl ocsp -issuer intermediate_2048.pem -cert leaf_2048.pem -no_nonce -reqout ocsp.req 2>/dev/null
openssl ocsp -index index.txt -CA intermediate_2048.pem -rsigner intermediate_2048.pem -rkey intermediate_2048.key \
  -rmd sha256 -rsigopt rsa_padding_mode:pss -rsigopt rsa_pss_saltlen:digest -rsigopt rsa_mgf1_md:sha256 \
  -reqin ocsp.req -ndays 7 -respout ocsp_2048_pss.der 2>/dev/null
openssl ocsp -respin ocsp_2048_pss.der -CAfile <(cat root_2048.pem intermediate_2048.pem) -issuer intermediate_2048.pem \
  -cert leaf_2048.pem 2>&1 | grep -q "Response verify OK"

# openssl must accept each chain it made.
openssl verify -CAfile root_2048.pem -untrusted intermediate_2048.pem leaf_2048.pem leaf_p256.pem leaf_2052.pem >/dev/null
openssl verify -CAfile root_3072.pem -untrusted intermediate_3072.pem leaf_3072.pem >/dev/null
openssl verify -CAfile root_pss.pem -untrusted intermediate_pss.pem leaf_pss.pem leaf_pss_salt_20.pem >/dev/null
openssl verify -CAfile root_2048.pem -untrusted intermediate_pss_key.pem leaf_by_pss_key.pem >/dev/null

names=(root_2048 intermediate_2048 leaf_2048 root_3072 intermediate_3072 leaf_3072 root_pss intermediate_pss leaf_pss
       leaf_pss_salt_20 intermediate_pss_key leaf_by_pss_key leaf_2052 leaf_p256 revoked_leaf)
for name in "${names[@]}" crl_2048; do cp "$name.pem" "$out/$name.pem"; done
cp ocsp_2048_pss.der "$out/"
# What openssl reads in each: signature algorithm, PSS hash and salt length, key size.
{
  echo "{"
  first=1
  for name in "${names[@]}"; do
    [ $first = 1 ] || echo ","
    first=0
    text=$(openssl x509 -in "$name.pem" -noout -text)
    # The TBS's signature field and its PSS parameters: the lines before "Issuer:".
    signed=$(sed -n '/Signature Algorithm:/,/Issuer:/p' <<<"$text")
    algorithm=$(sed -n 's/^ *Signature Algorithm: *\([^ ]*\).*/\1/p' <<<"$signed" | head -1)
    hash=$(sed -n 's/^ *Hash Algorithm: //p' <<<"$signed" | head -1)
    salt=$(sed -n 's/^ *Salt Length: 0x\([0-9A-Fa-f]*\).*/\1/p' <<<"$signed" | head -1)
    bits=$(sed -n 's/^ *Public-Key: (\([0-9]*\) bit)/\1/p' <<<"$text" | head -1)
    printf '  "%s": {"algorithm": "%s", "hash": "%s", "salt": %d, "bits": %d}' "$name" "$algorithm" "${hash%% *}" \
      "$((16#${salt:-0}))" "$bits"
  done
  echo
  echo "}"
} > "$out/expected.json"
