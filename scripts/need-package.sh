#!/usr/bin/env bash
# need-package.sh FILE|COMMAND PACKAGE: make sure FILE exists (or COMMAND is
# on the PATH), installing the Debian PACKAGE that provides it when we can
# (root or passwordless sudo with apt-get); otherwise print the exact command
# to run and fail.
set -euo pipefail
file=$1 pkg=$2
present() {
  case "$file" in
    */*) [ -e "$file" ] ;;
    *) command -v "$file" >/dev/null 2>&1 ;;
  esac
}
present && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  fi
  if [ "$sudo" != none ]; then
    echo "Installing $pkg (provides $file) with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    # A stale package list makes the install fail; refresh once when needed.
    $sudo apt-get install -y -q "$pkg" >/dev/null 2>&1 ||
      { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "$pkg" >/dev/null; }
    present && exit 0
  fi
fi
echo "peakplan needs $pkg ($file is missing). Install it with:" >&2
echo "    sudo apt-get update && sudo apt-get install -y $pkg" >&2
exit 1
