#!/usr/bin/env bash
# Regenerates tests/vectors/x509/constraints: name constraints on each name form of RFC 5280
# §4.2.1.10 (rfc822Name, directoryName, uniformResourceIdentifier, and a form we do not
# evaluate), and a self-issued intermediate below a constraint, which the constraint does not
# apply to. Every root constrains the leaves it issues directly; all leaves are TLS server
# certificates for www.example.com, so only the name form under test can fail. Run from the
# repository root: bash tests/x509/make_constraint_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/constraints
lib=$PWD/tests/x509/fixture_lib.sh
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# shellcheck source=fixture_lib.sh
. "$lib"

# rfc822Name: "allowed.example" is that host only, not its subdomains.
mk email_root "/CN=email root" self "$(ca_ext 'nameConstraints=critical,permitted;email:allowed.example')"
mk email_good "/CN=www.example.com" email_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,email:alice@allowed.example')"
mk email_evil "/CN=www.example.com" email_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,email:attacker@evil.example')"
mk email_subdomain "/CN=www.example.com" email_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,email:bob@mail.allowed.example')"
# The address in the subject's emailAddress attribute is held to the constraint too.
mk email_subject "/CN=www.example.com/emailAddress=attacker@evil.example" email_root "$(leaf_ext)"

# directoryName: the subject and SAN directory names must lie below O=Allowed Org.
mk dir_root "/CN=dir root" self "$(ca_ext $'nameConstraints=critical,permitted;dirName:allowed\n[allowed]\nO=Allowed Org')"
mk dir_good "/O=Allowed Org/CN=www.example.com" dir_root "$(leaf_ext)"
mk dir_evil "/O=Evil Org/CN=www.example.com" dir_root "$(leaf_ext)"
mk dir_san "/O=Allowed Org/CN=www.example.com" dir_root \
  "$(leaf_ext $'subjectAltName=DNS:www.example.com,dirName:evil\n[evil]\nO=Evil Org')"
# An intermediate's subject is below the root's constraint as well.
mk dir_evil_ca "/CN=evil ca" dir_root "$(ca_ext)"
mk dir_evil_ca_leaf "/O=Allowed Org/CN=www.example.com" dir_evil_ca "$(leaf_ext)"

# uniformResourceIdentifier: ".allowed.example" is any host below it, not allowed.example itself;
# a URI without a host name cannot satisfy a URI constraint.
mk uri_root "/CN=uri root" self "$(ca_ext 'nameConstraints=critical,permitted;URI:.allowed.example')"
mk uri_good "/CN=www.example.com" uri_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,URI:https://www.allowed.example:8443/path')"
mk uri_evil "/CN=www.example.com" uri_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,URI:https://evil.example/')"
mk uri_apex "/CN=www.example.com" uri_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,URI:https://allowed.example/')"
mk uri_no_host "/CN=www.example.com" uri_root "$(leaf_ext 'subjectAltName=DNS:www.example.com,URI:urn:isbn:0451450523')"

# otherName, a form not evaluated here: a constraint on it refuses a certificate that has such a
# name, and leaves one without alone.
mk other_root "/CN=other root" self "$(ca_ext 'nameConstraints=critical,permitted;otherName:1.3.6.1.4.1.55555.2;UTF8:allowed')"
mk other_named "/CN=www.example.com" other_root \
  "$(leaf_ext 'subjectAltName=DNS:www.example.com,otherName:1.3.6.1.4.1.55555.2;UTF8:allowed')"
mk other_unnamed "/CN=www.example.com" other_root "$(leaf_ext)"

# A constrained CA re-keyed with a self-issued certificate (same name, new key) that names a host
# outside the constraint: §4.2.1.10 exempts self-issued intermediates, so the leaf below verifies.
mk self_root "/CN=self-issued root" self "$(ca_ext)"
mk self_ca "/CN=constrained ca" self_root "$(ca_ext 'nameConstraints=critical,permitted;DNS:example.com')"
mk self_rekeyed "/CN=constrained ca" self_ca "$(ca_ext 'subjectAltName=DNS:ca.other.example')"
mk self_leaf "/CN=www.example.com" self_rekeyed "$(leaf_ext)"

for f in *.pem; do cp "$f" "$out/$f"; done
