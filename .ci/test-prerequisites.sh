#!/usr/bin/env bash
# What `npm test` needs beyond node_modules, checked before every run (pretest) so that no test
# is skipped and none fails half way for a missing program:
# - kubectl (the end-to-end tests drive the real one; Debian's is too old, so it is not installed here)
# - etcd (Debian's etcd-server) for the etcd store and replica tests
# - the kubernetes Python client, PyJWT, Go, go-oidc and Ruby's kubeclient (Debian packages) for the
#   real-client tests
# Missing Debian packages are installed with the same scripts CI uses (.ci/install-etcd.sh,
# .ci/install-clients.sh) when this user may (root, or sudo without a password); otherwise it
# stops at once and prints the one command that installs them. Quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing_etcd=false
missing_clients=()
[ -x "${ETCD_BIN:-/usr/bin/etcd}" ] || missing_etcd=true
for p in python3-kubernetes python3-jwt golang-go golang-github-coreos-go-oidc-dev ruby-kubeclient; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
    missing_clients+=("$p")
  fi
done

if ! command -v kubectl >/dev/null 2>&1; then
  echo "npm test: kubectl is not on PATH; the end-to-end tests drive the real kubectl (a 1.33 client: https://kubernetes.io/docs/tasks/tools/)" >&2
  exit 1
fi

if ! $missing_etcd && [ "${#missing_clients[@]}" -eq 0 ]; then
  exit 0
fi

wanted=()
$missing_etcd && wanted+=(etcd-server)
wanted+=("${missing_clients[@]}")
command_line="sudo bash .ci/test-prerequisites.sh"

can_install=false
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] || sudo -n true >/dev/null 2>&1; then
    can_install=true
  fi
fi
if ! $can_install; then
  echo "npm test: these Debian packages are missing: ${wanted[*]}" >&2
  if command -v apt-get >/dev/null 2>&1; then
    echo "Install them once with: $command_line" >&2
  else
    echo "This is not a Debian-like system: install etcd, the Python kubernetes client and PyJWT for /usr/bin/python3, Go, the go-oidc v2 sources under /usr/share/gocode, and kubeclient for /usr/bin/ruby (ETCD_BIN names another etcd)" >&2
  fi
  exit 1
fi

echo "npm test: installing the test prerequisites (once): ${wanted[*]}" >&2
if $missing_etcd; then
  bash .ci/install-etcd.sh
fi
if [ "${#missing_clients[@]}" -gt 0 ]; then
  bash .ci/install-clients.sh
fi
