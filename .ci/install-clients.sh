#!/usr/bin/env bash
# Installs, from Debian's packages, the real clients the end-to-end tests drive besides kubectl:
# the kubernetes Python client and PyJWT (test/e2e/python-client.test.ts, test/e2e/pyjwt.test.ts,
# run with /usr/bin/python3), Go and go-oidc v2 (test/e2e/go-oidc.test.ts, built in GOPATH mode
# against /usr/share/gocode), and Ruby's kubeclient (test/e2e/reload-check-clients.test.ts, run with
# /usr/bin/ruby). Only the packages not yet installed are asked for, so a second run
# does nothing. Idempotent and quiet: prints nothing on success, apt's output on failure.
set -euo pipefail
PACKAGES=(python3-kubernetes python3-jwt golang-go golang-github-coreos-go-oidc-dev ruby-kubeclient)
missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"
apt_install "${missing[@]}"
if ! /usr/bin/python3 -c 'import kubernetes.client, jwt' >/dev/null 2>&1; then
  echo "install-clients: python3-kubernetes/python3-jwt installed but /usr/bin/python3 cannot import them" >&2
  exit 1
fi
if ! /usr/bin/ruby -e 'require "kubeclient"' >/dev/null 2>&1; then
  echo "install-clients: ruby-kubeclient installed but /usr/bin/ruby cannot load kubeclient" >&2
  exit 1
fi
if ! go version >/dev/null 2>&1; then
  echo "install-clients: golang-go installed but go does not run" >&2
  exit 1
fi
if [ ! -d /usr/share/gocode/src/github.com/coreos/go-oidc ]; then
  echo "install-clients: golang-github-coreos-go-oidc-dev installed but /usr/share/gocode/src/github.com/coreos/go-oidc is missing" >&2
  exit 1
fi
