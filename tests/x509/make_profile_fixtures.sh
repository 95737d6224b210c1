#!/usr/bin/env bash
# Regenerates tests/vectors/x509/profile: leaves and intermediates that each break one rule of
# the certificate profiles (x509/profile.hpp), issued by one root, for www.example.com. Run from
# the repository root: bash tests/x509/make_profile_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/profile
lib=$PWD/tests/x509/fixture_lib.sh
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# shellcheck source=fixture_lib.sh
. "$lib"

mk root "/CN=profile root" self "$(ca_ext)"
mk good "/CN=www.example.com" root "$(leaf_ext)"
# keyUsage without digitalSignature: the key may not sign a TLS 1.3 CertificateVerify.
mk no_digital_signature "/CN=www.example.com" root \
  "$(leaf_ext $'subjectAltName=DNS:www.example.com\nkeyUsage=critical,keyEncipherment')"

for f in *.pem; do cp "$f" "$out/$f"; done
