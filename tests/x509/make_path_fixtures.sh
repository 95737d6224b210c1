#!/usr/bin/env bash
# Regenerates tests/vectors/x509/paths: certificate sets that make path building work hard.
# Each *_cas.pem is one bundle of intermediates, in the order a peer would send them.
#   loop:   16 self-issued CN=loop CAs sharing one key, so that every one verifies every other,
#           and a leaf below them (and one of over 64 KiB); no anchor (a naive search tries every
#           ordering).
#   chain:  100 CN=chain CAs sharing one key, each issued by the next, the last by an untrusted
#           root, and a leaf below the first.
#   mesh:   7 CAs, each cross-certified by all the others (42 certificates, one key): paths that
#           never repeat a subject and key, exponentially many of them.
#   bridge: 8 organisations with a root and two sub-CAs each, cross-certified with a bridge CA in
#           both directions, and three roots sent along (35 intermediates), in the manner of RFC
#           4158's bridge PKI; a leaf of organisation 1 verifies against organisation 8's root.
# Run from the repository root: bash tests/x509/make_path_fixtures.sh
set -euo pipefail
out=$PWD/tests/vectors/x509/paths
lib=$PWD/tests/x509/fixture_lib.sh
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# shellcheck source=fixture_lib.sh
. "$lib"

openssl genpkey -algorithm ed25519 -out loop.key 2>/dev/null
for i in $(seq -w 1 16); do mk "loop_$i" "/CN=loop" self "$(ca_ext)" loop; done
mk loop_leaf "/CN=www.example.com" loop_01 "$(leaf_ext)"
# A leaf of over 64 KiB below the loop: each check of its signature counts twice.
names="DNS:www.example.com"
for i in $(seq 1 3500); do names+=",DNS:host-$i.example.com"; done
mk loop_big_leaf "/CN=www.example.com" loop_01 "$(leaf_ext "subjectAltName=$names")"
cat loop_??.pem > loop_cas.pem

openssl genpkey -algorithm ed25519 -out chain.key 2>/dev/null
mk chain_root "/CN=chain root" self "$(ca_ext)"
mk chain_100 "/CN=chain" chain_root "$(ca_ext)" chain
for i in $(seq 99 -1 1); do mk "chain_$(printf %03d "$i")" "/CN=chain" "chain_$(printf %03d $((i + 1)))" "$(ca_ext)" chain; done
mk chain_leaf "/CN=www.example.com" chain_001 "$(leaf_ext)"
cat chain_???.pem > chain_cas.pem

openssl genpkey -algorithm ed25519 -out mesh.key 2>/dev/null
for i in 1 2 3 4 5 6 7; do mk "mesh_$i" "/CN=mesh $i" self "$(ca_ext)" mesh; done
for i in 1 2 3 4 5 6 7; do
  for j in 1 2 3 4 5 6 7; do
    # openssl leaves out the authority key identifier when issuer and subject share a key.
    [ "$i" = "$j" ] || mk "mesh_${i}_by_$j" "/CN=mesh $i" "mesh_$j" "$(ca_ext 'authorityKeyIdentifier=keyid:always')" mesh
  done
done
mk mesh_leaf "/CN=www.example.com" mesh_1 "$(leaf_ext $'subjectAltName=DNS:www.example.com\nauthorityKeyIdentifier=keyid:always')"
cat mesh_?_by_?.pem > mesh_cas.pem

mk bridge "/CN=bridge" self "$(ca_ext)"
for k in 1 2 3 4 5 6 7 8; do
  mk "org_${k}_root" "/CN=org $k root" self "$(ca_ext)"
  for m in 1 2; do mk "org_${k}_sub_$m" "/CN=org $k sub $m" "org_${k}_root" "$(ca_ext)"; done
  mk "org_${k}_by_bridge" "/CN=org $k root" bridge "$(ca_ext)" "org_${k}_root"
  mk "bridge_by_org_$k" "/CN=bridge" "org_${k}_root" "$(ca_ext)" bridge
done
mk bridge_leaf "/CN=www.example.com" org_1_sub_2 "$(leaf_ext)"
# The needed certificates come late: a verifier that looks at the first 16 only misses them.
cat org_[123]_root.pem org_?_sub_?.pem org_?_by_bridge.pem bridge_by_org_?.pem > bridge_cas.pem
cp org_8_root.pem bridge_anchor.pem

for f in loop_cas loop_leaf loop_big_leaf chain_cas chain_leaf mesh_cas mesh_leaf bridge_cas bridge_leaf bridge_anchor; do
  cp "$f.pem" "$out/$f.pem"
done
