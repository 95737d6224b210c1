# Shared by the make_*_fixtures.sh scripts (sourced, not run): making Ed25519 certificates with
# the openssl command line from an extensions text, in the current directory.

# mk NAME SUBJECT ISSUER EXTENSIONS [KEY]: NAME.pem for NAME.key (made when missing, or copied from
# KEY.key), signed by ISSUER.key with ISSUER.pem's name, or by itself when ISSUER is "self".
# EXTENSIONS is openssl extension-config text: lines of the [ext] section, and any further
# sections they refer to (dirName values).
mk() {
  local name=$1 subject=$2 issuer=$3 ext=$4 key=${5:-}
  if [ -n "$key" ]; then cp "$key.key" "$name.key"; fi
  [ -f "$name.key" ] || openssl genpkey -algorithm ed25519 -out "$name.key" 2>/dev/null
  printf '[ext]\n%s\n' "$ext" > "$name.ext"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  local serial
  serial="0x1$(openssl rand -hex 8)"
  if [ "$issuer" = self ]; then
    openssl x509 -req -in "$name.csr" -signkey "$name.key" -extfile "$name.ext" -extensions ext -days 3650 \
      -set_serial "$serial" -out "$name.pem" 2>/dev/null
  else
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -extfile "$name.ext" -extensions ext \
      -days 825 -set_serial "$serial" -out "$name.pem" 2>/dev/null
  fi
}

# The extensions of a CA, and of a TLS server leaf for www.example.com, plus EXTRA lines.
ca_ext() { printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n%s' "${1:-}"; }
leaf_ext() {
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n%s' \
    "${1:-subjectAltName=DNS:www.example.com}"
}
