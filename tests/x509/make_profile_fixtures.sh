#!/usr/bin/env bash
# Regenerates tests/vectors/x509/profile: one certificate per rule of the certificate profiles
# (x509/profile.hpp), each breaking that rule alone: a leaf for www.example.com issued by
# root.pem, or an intermediate (and a leaf below it that keeps every rule). Run from the
# repository root: bash tests/x509/make_profile_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/profile
lib=$PWD/tests/x509/fixture_lib.sh
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# shellcheck source=fixture_lib.sh
. "$lib"

# A leaf of root that differs from a good one by EXTRA extension lines (later lines override).
leaf() { mk "$1" "${3:-/CN=www.example.com}" root "$(leaf_ext $'subjectAltName=DNS:www.example.com\n'"${2:-}")"; }

mk root "/CN=profile root" self "$(ca_ext)"
leaf good
# keyUsage without digitalSignature: the key may not sign a TLS 1.3 CertificateVerify.
leaf no_digital_signature 'keyUsage=critical,keyEncipherment'

# Keys, judged by what the SubjectPublicKeyInfo says.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak_rsa.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa_2048.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-192 -out weak_p192.key 2>/dev/null
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.params 2>/dev/null
openssl genpkey -paramfile dsa.params -out weak_dsa.key 2>/dev/null
for name in weak_rsa rsa_2048 weak_p192 weak_dsa; do leaf "$name"; done

# Signed with SHA-1 (by an RSA CA of its own: the profile refuses it before any signature check).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sha1_ca.key 2>/dev/null
mk sha1_ca "/CN=sha1 ca" self "$(ca_ext)"
openssl req -new -key good.key -subj "/CN=www.example.com" -out sha1_leaf.csr 2>/dev/null
printf '[ext]\n%s\n' "$(leaf_ext)" > sha1_leaf.ext
openssl x509 -req -sha1 -in sha1_leaf.csr -CA sha1_ca.pem -CAkey sha1_ca.key -extfile sha1_leaf.ext -extensions ext \
  -days 825 -set_serial 0x1234567890 -out sha1_signature.pem 2>/dev/null

# Serial numbers (RFC 5280 §4.1.2.2).
mk serial_zero "/CN=www.example.com" root "$(leaf_ext)"
openssl x509 -req -in serial_zero.csr -CA root.pem -CAkey root.key -extfile serial_zero.ext -extensions ext \
  -days 825 -set_serial 0 -out serial_zero.pem 2>/dev/null
openssl x509 -req -in serial_zero.csr -CA root.pem -CAkey root.key -extfile serial_zero.ext -extensions ext \
  -days 825 -set_serial -0x0123456789 -out serial_negative.pem 2>/dev/null
openssl x509 -req -in serial_zero.csr -CA root.pem -CAkey root.key -extfile serial_zero.ext -extensions ext \
  -days 825 -set_serial "0x7f$(openssl rand -hex 20)" -out serial_21_octets.pem 2>/dev/null
openssl x509 -req -in serial_zero.csr -CA root.pem -CAkey root.key -extfile serial_zero.ext -extensions ext \
  -days 825 -set_serial "0x7f$(openssl rand -hex 19)" -out serial_20_octets.pem 2>/dev/null

# Subject, and key identifiers.
leaf empty_subject '' /
leaf empty_subject_critical_san 'subjectAltName=critical,DNS:www.example.com' /
leaf no_authority_key_id 'authorityKeyIdentifier=none'
leaf critical_authority_key_id 'authorityKeyIdentifier=critical,keyid:always'
leaf critical_subject_key_id 'subjectKeyIdentifier=critical,hash'

# CA rules, on an intermediate with a leaf below it (whose authority key identifier is written
# out when the intermediate has no subject key identifier to take it from).
mk ca_no_subject_key_id "/CN=ca without key id" root "$(ca_ext 'subjectKeyIdentifier=none')"
mk ca_no_subject_key_id_leaf "/CN=www.example.com" ca_no_subject_key_id \
  "$(leaf_ext $'subjectAltName=DNS:www.example.com\nauthorityKeyIdentifier=none\n2.5.29.35=DER:30168014000102030405060708090a0b0c0d0e0f10111213')"
mk ca_basic_constraints_not_critical "/CN=ca with non-critical basic constraints" root \
  $'basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign'
mk ca_basic_constraints_not_critical_leaf "/CN=www.example.com" ca_basic_constraints_not_critical "$(leaf_ext)"

# End-entity rules.
leaf leaf_is_ca $'basicConstraints=critical,CA:TRUE'
leaf leaf_key_cert_sign 'keyUsage=critical,digitalSignature,keyCertSign'
leaf leaf_any_eku 'extendedKeyUsage=serverAuth,anyExtendedKeyUsage'
leaf leaf_critical_eku 'extendedKeyUsage=critical,serverAuth'
leaf underscore_dns 'subjectAltName=DNS:www.example.com,DNS:under_score.example.com'
leaf wildcard_tld 'subjectAltName=DNS:www.example.com,DNS:*.com'
leaf malformed_aia '1.3.6.1.5.5.7.1.1=DER:3000'
leaf good_aia 'authorityInfoAccess=caIssuers;URI:http://ca.example.com/root.der,OCSP;URI:http://ocsp.example.com/'
leaf policy_constraints_not_critical 'policyConstraints=requireExplicitPolicy:0'

# RSA keys and signature identifiers (BR §6.1.5, §6.1.6, §7.1.3.1.1, §7.1.3.2.1): a modulus of
# 2052 bits (not a multiple of 8); an id-RSASSA-PSS key; the RSA-2048 key with its exponent made
# 65536 (even), put in the certificate with -force_pubkey; and a leaf that the SHA-1 test's RSA
# CA signs with RSASSA-PSS SHA-256 and a 20-byte salt (not one of the BR's encodings).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2052 -out rsa_2052.key 2>/dev/null
leaf rsa_2052
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out rsa_pss_key.key 2>/dev/null
leaf rsa_pss_key
cat > even_exponent.cnf <<CNF
asn1=SEQUENCE:spki
[spki]
algorithm=SEQUENCE:algorithm
key=BITWRAP,SEQUENCE:rsa_key
[algorithm]
oid=OID:rsaEncryption
parameters=NULL
[rsa_key]
n=INTEGER:0x$(openssl rsa -in rsa_2048.key -noout -modulus | cut -d= -f2)
e=INTEGER:65536
CNF
openssl asn1parse -genconf even_exponent.cnf -out even_exponent.der -noout
openssl pkey -pubin -inform DER -in even_exponent.der -out even_exponent.pub
openssl x509 -req -in rsa_2048.csr -CA root.pem -CAkey root.key -extfile rsa_2048.ext -extensions ext \
  -force_pubkey even_exponent.pub -days 825 -set_serial "0x1$(openssl rand -hex 8)" -out rsa_even_exponent.pem 2>/dev/null
openssl x509 -req -in good.csr -CA sha1_ca.pem -CAkey sha1_ca.key -extfile sha1_leaf.ext -extensions ext -sha256 \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20 -sigopt rsa_mgf1_md:sha256 -days 825 \
  -set_serial "0x1$(openssl rand -hex 8)" -out rsa_pss_salt_20.pem 2>/dev/null

# A root with an extendedKeyUsage, and a leaf below it.
mk root_with_eku "/CN=profile root with eku" self "$(ca_ext 'extendedKeyUsage=serverAuth')"
mk root_with_eku_leaf "/CN=www.example.com" root_with_eku "$(leaf_ext)"

rm -f "$out"/*.pem
for f in *.pem; do cp "$f" "$out/$f"; done
