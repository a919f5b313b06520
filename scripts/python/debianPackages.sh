#!/usr/bin/env bash
# Idempotent machine set-up for the Python agent tests: the Debian packages that making the venv
# needs (python3 with venv, and a C toolchain for the one dependency of apache-flink built from
# source, crcmod). npm run prepare:python makes the venv itself; .ci/run calls this first.
set -euo pipefail

APT_PACKAGES=(python3 python3-venv python3-dev build-essential)

log() { echo "[python:prepare] $*"; }
die() { echo "[python:prepare] ERROR: $*" >&2; exit 1; }

command -v dpkg-query >/dev/null || { log "not a Debian system: install Python 3.10+ with venv and a C compiler yourself"; exit 0; }
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}) and not root to install them"
  log "installing Debian packages: ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=900 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y "${missing[@]}"
else
  log "Debian packages present: ${APT_PACKAGES[*]}"
fi
