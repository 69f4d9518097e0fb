#!/usr/bin/env bash
# apt_install PACKAGE...: installs Debian packages quietly (through `sudo -n` when not root).
# Sourced by the .ci/install-*.sh scripts. apt and debconf write notices to stderr even when all
# goes well (debconf's "delaying package configuration" without apt-utils), so their output is
# kept and shown only when the install fails.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo -n)
  fi
  local log
  log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
