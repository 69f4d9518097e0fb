#!/usr/bin/env bash
# Installs etcd from Debian's packages (etcd-server) for the etcd store tests, unless it is already
# at /usr/bin/etcd. Idempotent and quiet: prints nothing on success, apt's errors on failure.
# The tests start their own etcd on free loopback ports (test/helpers/etcd.ts); a system service
# the package may start on 2379 is not used.
set -euo pipefail
ETCD=/usr/bin/etcd
if [ -x "$ETCD" ]; then
  exit 0
fi
# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"
apt_install etcd-server
if ! "$ETCD" --version >/dev/null 2>&1; then
  echo "install-etcd: etcd-server installed but $ETCD does not run" >&2
  exit 1
fi
