#!/usr/bin/env bash
# Regenerates the revocation fixtures in tests/vectors/x509/revocation with the openssl command
# line: a small Ed25519 PKI (root -> CA -> leaves, delegated CRL signers and OCSP responders, a
# rogue CA under the CA's name), CRLs from `openssl ca -gencrl`, OCSP responses from `openssl
# ocsp`, two CRLs that `openssl ca` cannot write (a critical entry extension, no nextUpdate)
# assembled with `openssl asn1parse -genconf` and signed with `openssl pkeyutl`, and
# revocation.json: the times the tests use and each certificate's SPKI pin as openssl computes
# it. Run from the repository root: bash tests/x509/make_revocation_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/revocation
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

start=$(date -u +%s)
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
utc() { date -u -d "@$1" +%y%m%d%H%M%SZ; }
day=86400

key() { openssl genpkey -algorithm ed25519 -out "$1.key" 2>/dev/null; }
# cert NAME SUBJECT ISSUER SERIAL EXTENSIONS...: ISSUER's key signs NAME's ("self": its own).
cert() {
  local name=$1 subject=$2 issuer=$3 serial=$4
  shift 4
  local ext=()
  for e in "$@"; do ext+=(-addext "$e"); done
  if [ "$issuer" = self ]; then
    openssl req -x509 -new -key "$name.key" -subj "$subject" -days 3650 -set_serial "$serial" "${ext[@]}" \
      -out "$name.pem" 2>/dev/null
  else
    openssl req -new -key "$name.key" -subj "$subject" "${ext[@]}" -out "$name.csr" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days 3650 -copy_extensions copyall \
      -set_serial "$serial" -out "$name.pem" 2>/dev/null
  fi
}

ca_name="/CN=carapace revocation CA/O=carapace"
key root
cert root "/CN=carapace revocation root/O=carapace" self 0x01 \
  "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign"
key ca
cert ca "$ca_name" root 0x0100 "basicConstraints=critical,CA:TRUE,pathlen:0" \
  "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash"
leaf_ext=("basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "subjectAltName=DNS:www.example.com")
key leaf
cert leaf "/CN=www.example.com" ca 0x1001 "${leaf_ext[@]}"
key revoked_leaf
cert revoked_leaf "/CN=www.example.com" ca 0x1002 "${leaf_ext[@]}"
key other_leaf
cert other_leaf "/CN=www.example.com" ca 0x1003 "${leaf_ext[@]}"
# A leaf that names the distribution point of a partitioned CRL.
key dp_leaf
cert dp_leaf "/CN=www.example.com" ca 0x1004 "${leaf_ext[@]}" "crlDistributionPoints=URI:http://crl.example.com/part1.crl"
# Delegated CRL signers: the CA's name and another key, certified by the CA; one without cRLSign.
key crl_signer
cert crl_signer "$ca_name" ca 0x2001 "keyUsage=critical,cRLSign" "subjectKeyIdentifier=hash"
key crl_signer_no_crlsign
cert crl_signer_no_crlsign "$ca_name" ca 0x2002 "keyUsage=critical,digitalSignature" "subjectKeyIdentifier=hash"
# Delegated OCSP responders: one with id-kp-OCSPSigning, one without.
key responder
cert responder "/CN=carapace OCSP responder" ca 0x3001 "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=OCSPSigning"
key responder_no_eku
cert responder_no_eku "/CN=carapace OCSP responder" ca 0x3002 "keyUsage=critical,digitalSignature"
# The CA's name with a key nobody certified.
key rogue_ca
cert rogue_ca "$ca_name" self 0x4001 "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign"

# The CA database: 0x1001 and 0x1003's absence are good and unknown to OCSP; 0x1002 is revoked.
far=$(utc $((start + 3650 * day)))
revoked_at=$(utc $((start - day)))
printf 'V\t%s\t\t1001\tunknown\t/CN=www.example.com\n' "$far" > ca_index.txt
printf 'R\t%s\t%s,keyCompromise\t1002\tunknown\t/CN=www.example.com\n' "$far" "$revoked_at" >> ca_index.txt
: > root_index.txt
printf 'R\t%s\t%s,cACompromise\t0100\tunknown\t%s\n' "$far" "$revoked_at" "$ca_name" > root_revoked_index.txt
cat > ca.cnf <<EOF
[ca]
default_ca = ca_default
[ca_default]
database = ca_index.txt
crlnumber = crlnumber
default_md = default
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
[crl_critical]
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.2 = critical,DER:05:00
[crl_partition]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,@partition
[partition]
fullname = URI:http://crl.example.com/part1.crl
onlyuser = TRUE
[crl_ca_only]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,@ca_only
[ca_only]
onlyCA = TRUE
[crl_some_reasons]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,@some_reasons
[some_reasons]
onlysomereasons = keyCompromise
EOF
echo 01 > crlnumber
# crl NAME SIGNER LAST NEXT [INDEX [EXTENSIONS]]
crl() {
  local index=${5:-ca_index.txt} exts=${6:-crl_ext}
  sed "s/^database = .*/database = $index/" ca.cnf > this.cnf
  openssl ca -gencrl -config this.cnf -cert "$2.pem" -keyfile "$2.key" -crlexts "$exts" \
    -crl_lastupdate "$(stamp "$3")" -crl_nextupdate "$(stamp "$4")" -out "$1.pem" 2>/dev/null
}
crl crl ca "$start" $((start + 30 * day))
openssl crl -in crl.pem -outform der -out crl.der
# Its DER as a C++ string of hex digits, for a CRL parsed at compile time.
od -An -v -tx1 crl.der | tr -d ' \n' | sed 's/.*/"&"/' > "$out/crl_der.inc"
crl crl_root root "$start" $((start + 30 * day)) root_index.txt
crl crl_root_revokes_ca root "$start" $((start + 30 * day)) root_revoked_index.txt
crl crl_future ca $((start + 10 * day)) $((start + 40 * day))
crl crl_wrong_signer rogue_ca "$start" $((start + 30 * day))
crl crl_delegated crl_signer "$start" $((start + 30 * day))
crl crl_delegated_no_crlsign crl_signer_no_crlsign "$start" $((start + 30 * day))
crl crl_critical ca "$start" $((start + 30 * day)) ca_index.txt crl_critical
# Scopes (issuingDistributionPoint): a partition named by URI for user certificates, CA
# certificates only, some reasons only.
crl crl_partition ca "$start" $((start + 30 * day)) ca_index.txt crl_partition
crl crl_ca_only ca "$start" $((start + 30 * day)) ca_index.txt crl_ca_only
crl crl_some_reasons ca "$start" $((start + 30 * day)) ca_index.txt crl_some_reasons

# genconf_crl NAME NEXT_UPDATE(0: none) ENTRY_EXTENSION(yes|no): the CA's CRL built field by field.
genconf_crl() {
  local name=$1 next=$2 entry_ext=$3
  {
    echo "asn1 = SEQUENCE:tbs"
    echo "[tbs]"
    echo "version = INTEGER:1"
    echo "algorithm = SEQUENCE:algorithm"
    echo "issuer = SEQUENCE:issuer"
    echo "this_update = UTCTIME:$(utc "$start")"
    [ "$next" = 0 ] || echo "next_update = UTCTIME:$(utc "$next")"
    echo "revoked = SEQUENCE:revoked"
    echo "[algorithm]"
    echo "oid = OID:1.3.101.112"
    echo "[issuer]"
    echo "cn = SET:cn"
    echo "o = SET:o"
    echo "[cn]"
    echo "attribute = SEQUENCE:cn_attribute"
    echo "[cn_attribute]"
    echo "type = OID:commonName"
    echo "value = UTF8:carapace revocation CA"
    echo "[o]"
    echo "attribute = SEQUENCE:o_attribute"
    echo "[o_attribute]"
    echo "type = OID:organizationName"
    echo "value = UTF8:carapace"
    echo "[revoked]"
    echo "entry = SEQUENCE:entry"
    echo "[entry]"
    echo "serial = INTEGER:0x1002"
    echo "date = UTCTIME:$revoked_at"
    [ "$entry_ext" = no ] || echo "extensions = SEQUENCE:entry_extensions"
    echo "[entry_extensions]"
    echo "extension = SEQUENCE:entry_extension"
    echo "[entry_extension]"
    echo "id = OID:1.3.6.1.4.1.55555.3"
    echo "critical = BOOLEAN:TRUE"
    echo "value = FORMAT:HEX,OCTETSTRING:0500"
  } > "$name.tbs.cnf"
  openssl asn1parse -genconf "$name.tbs.cnf" -noout -out "$name.tbs.der"
  openssl pkeyutl -sign -inkey ca.key -rawin -in "$name.tbs.der" -out "$name.sig"
  {
    echo "asn1 = SEQUENCE:list"
    echo "[list]"
    echo "tbs = SEQUENCE:tbs"
    echo "algorithm = SEQUENCE:algorithm"
    echo "signature = FORMAT:HEX,BITSTRING:$(od -An -v -tx1 "$name.sig" | tr -d ' \n')"
    sed 1d "$name.tbs.cnf"
  } > "$name.cnf"
  openssl asn1parse -genconf "$name.cnf" -noout -out "$name.der"
  # The issuer must be the CA's name byte for byte, and openssl must accept the signature.
  [ "$(openssl crl -inform der -in "$name.der" -noout -issuer)" = "$(openssl x509 -in ca.pem -noout -subject | sed 's/^subject/issuer/')" ]
  openssl crl -inform der -in "$name.der" -noout -CAfile ca.pem 2>&1 | grep -q "verify OK"
}
genconf_crl crl_entry_critical $((start + 30 * day)) yes
genconf_crl crl_no_next_update 0 no

# OCSP: requests without nonces, answered from the CA database.
# ocsp NAME CERT SIGNER [extra openssl ocsp options...]
ocsp() {
  local name=$1 subject=$2 signer=$3
  shift 3
  local digest=()
  if [ "${1:-}" = -sha256 ]; then digest=(-sha256); shift; fi
  openssl ocsp -issuer ca.pem "${digest[@]}" -cert "$subject.pem" -no_nonce -reqout "$name.req" 2>/dev/null
  openssl ocsp -index ca_index.txt -CA ca.pem -rsigner "$signer.pem" -rkey "$signer.key" -reqin "$name.req" \
    -ndays 7 "$@" -respout "$name.der" 2>/dev/null
}
ocsp ocsp_good leaf ca
ocsp ocsp_good_sha256 leaf ca -sha256
ocsp ocsp_good_by_key leaf ca -resp_key_id -resp_no_certs
ocsp ocsp_revoked revoked_leaf ca
ocsp ocsp_unknown other_leaf ca
ocsp ocsp_delegated leaf responder
ocsp ocsp_delegated_no_eku leaf responder_no_eku
ocsp ocsp_wrong_signer leaf rogue_ca

# genconf_ocsp NAME WHERE: a good response for the leaf, signed by the CA, with an unknown
# critical extension in the SingleResponse (WHERE=single) or in responseExtensions (response),
# which `openssl ocsp` cannot write. The CertID's hashes are those openssl put in ocsp_good.
genconf_ocsp() {
  local name=$1 where=$2 text hashes
  text=$(openssl ocsp -respin ocsp_good.der -resp_text -noverify 2>/dev/null)
  hashes=($(sed -n 's/.*Issuer \(Name\|Key\) Hash: //p' <<<"$text"))
  {
    echo "asn1 = SEQUENCE:data"
    echo "[data]"
    echo "responder = EXPLICIT:1,SEQUENCE:issuer"
    echo "produced_at = GENTIME:$(stamp "$start")"
    echo "responses = SEQUENCE:responses"
    [ "$where" = response ] && echo "extensions = EXPLICIT:1,SEQUENCE:extensions"
    echo "[responses]"
    echo "single = SEQUENCE:single"
    echo "[single]"
    echo "cert_id = SEQUENCE:cert_id"
    echo "status = IMPLICIT:0,NULL"
    echo "this_update = GENTIME:$(stamp "$start")"
    echo "next_update = EXPLICIT:0,GENTIME:$(stamp $((start + 7 * day)))"
    [ "$where" = single ] && echo "extensions = EXPLICIT:1,SEQUENCE:extensions"
    echo "[cert_id]"
    echo "algorithm = SEQUENCE:sha1"
    echo "name_hash = FORMAT:HEX,OCTETSTRING:${hashes[0]}"
    echo "key_hash = FORMAT:HEX,OCTETSTRING:${hashes[1]}"
    echo "serial = INTEGER:0x1001"
    echo "[sha1]"
    echo "oid = OID:sha1"
    echo "parameters = NULL"
    echo "[extensions]"
    echo "extension = SEQUENCE:extension"
    echo "[extension]"
    echo "id = OID:1.3.6.1.4.1.55555.4"
    echo "critical = BOOLEAN:TRUE"
    echo "value = FORMAT:HEX,OCTETSTRING:0500"
    echo "[algorithm]"
    echo "oid = OID:1.3.101.112"
    echo "[issuer]"
    echo "cn = SET:cn"
    echo "o = SET:o"
    echo "[cn]"
    echo "attribute = SEQUENCE:cn_attribute"
    echo "[cn_attribute]"
    echo "type = OID:commonName"
    echo "value = UTF8:carapace revocation CA"
    echo "[o]"
    echo "attribute = SEQUENCE:o_attribute"
    echo "[o_attribute]"
    echo "type = OID:organizationName"
    echo "value = UTF8:carapace"
  } > "$name.data.cnf"
  openssl asn1parse -genconf "$name.data.cnf" -noout -out "$name.data.der"
  openssl pkeyutl -sign -inkey ca.key -rawin -in "$name.data.der" -out "$name.sig"
  {
    echo "asn1 = SEQUENCE:response"
    echo "[response]"
    echo "status = ENUMERATED:0"
    echo "bytes = EXPLICIT:0,SEQUENCE:response_bytes"
    echo "[response_bytes]"
    echo "type = OID:1.3.6.1.5.5.7.48.1.1"
    echo "basic = OCTWRAP,SEQUENCE:basic"
    echo "[basic]"
    echo "data = SEQUENCE:data"
    echo "algorithm = SEQUENCE:algorithm"
    echo "signature = FORMAT:HEX,BITSTRING:$(od -An -v -tx1 "$name.sig" | tr -d ' \n')"
    sed 1d "$name.data.cnf"
  } > "$name.cnf"
  openssl asn1parse -genconf "$name.cnf" -noout -out "$name.der"
  # openssl must read the same CertID and accept the signature.
  openssl ocsp -respin "$name.der" -CAfile chain.pem -issuer ca.pem -cert leaf.pem 2>&1 | grep -q "Response verify OK"
}
cat root.pem ca.pem > chain.pem
genconf_ocsp ocsp_critical_single single
genconf_ocsp ocsp_critical_response response

for name in root ca leaf revoked_leaf other_leaf dp_leaf crl_signer crl_signer_no_crlsign responder responder_no_eku rogue_ca \
  crl crl_root crl_root_revokes_ca crl_future crl_wrong_signer crl_delegated crl_delegated_no_crlsign crl_critical \
  crl_partition crl_ca_only crl_some_reasons; do
  cp "$name.pem" "$out/$name.pem"
done
for name in crl crl_entry_critical crl_no_next_update ocsp_good ocsp_good_sha256 ocsp_good_by_key ocsp_revoked \
  ocsp_unknown ocsp_delegated ocsp_delegated_no_eku ocsp_wrong_signer ocsp_critical_single ocsp_critical_response; do
  cp "$name.der" "$out/$name.der"
done

pin() { openssl x509 -in "$1.pem" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64; }
cat > "$out/revocation.json" <<EOF
{
  "now": $((start + 3600)),
  "stale": $((start + 40 * day)),
  "before": $((start - 3600)),
  "pins": {"root": "$(pin root)", "ca": "$(pin ca)", "leaf": "$(pin leaf)", "other_leaf": "$(pin other_leaf)"}
}
EOF
