#!/usr/bin/env bash
# Installs what nix2aci's build, tests and demo need on a Debian machine, then the npm dependencies.
# Idempotent; needs root (or sudo) for apt-get. Fails loudly if a tool is still missing afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(nix-bin appc-spec gnupg bubblewrap busybox-static patchelf pigz jq xz-utils bzip2 tar gcc libc6-dev tmux golang-go golang-golang-x-crypto-dev podman skopeo umoci runc)
required_tools=(nix-build nix-instantiate actool gpg bwrap busybox patchelf pigz jq xz bzip2 tar gcc tmux go podman skopeo umoci runc node npm)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

for tool in "${required_tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "setup: required tool '$tool' is missing" >&2; exit 1; }
done

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found $(node --version))" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund
fi
