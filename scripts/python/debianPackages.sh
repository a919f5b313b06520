#!/usr/bin/env bash
# Idempotent machine set-up for the Python agent tests: the Debian packages that making the venv
# needs (python3 with venv, and a C toolchain for the one dependency of apache-flink built from
# source, crcmod). npm run prepare:python makes the venv itself; .ci/run calls this first.
set -euo pipefail

APT_PACKAGES=(python3 python3-venv python3-dev build-essential)

if ! command -v dpkg-query >/dev/null; then
  echo "[python:prepare] not a Debian system: install Python 3.10+ with venv and a C compiler yourself"
  exit 0
fi
# shellcheck source=../aptPackages.sh
source "$(dirname "$0")/../aptPackages.sh"
apt_packages "[python:prepare]" "${APT_PACKAGES[@]}"
