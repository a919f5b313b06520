#!/usr/bin/env bash
# Idempotent machine set-up for the e2e tests: Debian packages, and code-server in a cache folder.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE_DIR="${DURABLE_E2E_CACHE:-${HOME:-/root}/.cache/durable-run-e2e}"
CS_DIR="$CACHE_DIR/code-server"
MARKER="$CS_DIR/.installed-$CODE_SERVER_VERSION"
APT_PACKAGES=(libkrb5-dev ripgrep chromium)

log() { echo "[e2e:prepare] $*"; }
die() { echo "[e2e:prepare] ERROR: $*" >&2; exit 1; }
trap 'echo "[e2e:prepare] FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR
start=$SECONDS

# shellcheck source=../aptPackages.sh
source "$(dirname "$0")/../aptPackages.sh"
apt_packages "[e2e:prepare]" "${APT_PACKAGES[@]}"

# @vscode/ripgrep's install step downloads rg from GitHub unless this cached tarball exists.
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) die "no ripgrep cache name known for $(uname -m)" ;;
esac
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-$rg_target.tar.gz"
if [[ -s $rg_tar ]]; then
  log "ripgrep cache present: $rg_tar"
else
  log "creating ripgrep cache from /usr/bin/rg: $rg_tar"
  rg_stage=$(mktemp -d)
  cp /usr/bin/rg "$rg_stage/rg"
  mkdir -p "$rg_cache"
  tar -czf "$rg_tar.part" -C "$rg_stage" rg
  mv "$rg_tar.part" "$rg_tar"
  rm -rf "$rg_stage"
fi

if [[ -f $MARKER && -x $CS_DIR/node_modules/.bin/code-server ]]; then
  log "code-server $CODE_SERVER_VERSION already installed in $CS_DIR"
else
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [[ $node_major == 20 ]] || log "warning: code-server $CODE_SERVER_VERSION expects Node 20, found $(node -v)"
  # A half-finished earlier install is not worth repairing: start clean.
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (first time takes 1 to 2 minutes)"
  install_start=$SECONDS
  # yes: a nested 'npx node-gyp' would otherwise prompt; unsafe-perm: its script refuses root.
  npm_config_yes=true npm install --prefix "$CS_DIR" --unsafe-perm --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION"
  "$CS_DIR/node_modules/.bin/code-server" --config "$CS_DIR/config.yaml" --version >/dev/null ||
    die "code-server installed but does not run"
  touch "$MARKER"
  log "code-server installed in $((SECONDS - install_start)) s"
fi

# Its own config path: a bare run writes ~/.config/code-server/config.yaml.
version=$("$CS_DIR/node_modules/.bin/code-server" --config "$CS_DIR/config.yaml" --version | tail -n 1)
log "code-server: $CS_DIR/node_modules/.bin/code-server ($version)"
log "done in $((SECONDS - start)) s"
