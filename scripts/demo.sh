#!/usr/bin/env bash
# The main job, end to end, on a fresh Debian machine:
#   set up -> generate the examples -> build the busybox image -> sign it -> validate it -> run it.
# Everything it makes lands in demo-output/ (or $NIX2ACI_DEMO_DIR); nothing global is changed
# except the Debian and npm packages that setup.sh installs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }

step "1/6 Setting up (Debian packages, npm dependencies, build)"
bash scripts/setup.sh
npm run --silent build

out=${NIX2ACI_DEMO_DIR:-$repo/demo-output}
mkdir -p -- "$out"
out=$(cd -- "$out" && pwd)
# Nix settings for this machine kind (no binary cache, sandboxed builds): nix/host.conf.
NIX_CONFIG=$(cat nix/host.conf)
export NIX_CONFIG

step "2/6 Generating Nix files from the example specs into $out/generated"
node bin/nix2aci-gen.js --out-dir "$out/generated" examples/pkgs
echo "generated: $(cd "$out/generated" && find . -name '*.nix' | sort | tr '\n' ' ')" >&2

step "3/6 Building the busybox image with Nix"
if nix-instantiate --eval -E 'import <nixpkgs> { }' >/dev/null 2>&1; then
  echo "using <nixpkgs> from NIX_PATH" >&2
  pkgs_args=()
else
  echo "<nixpkgs> is not reachable here: using nix/host-pkgs.nix (packages made from this host's binaries)" >&2
  pkgs_args=(--arg pkgs "import $repo/nix/host-pkgs.nix { }")
fi
nix-build "$out/generated" "${pkgs_args[@]}" -A busybox -o "$out/result"
image=$(find -L "$out/result/" -maxdepth 1 -name '*.aci' | head -n 1)
echo "built: $image" >&2

step "4/6 Signing with gpg through result/postprocess.sh"
if [ -z "${NIX2ACI_SIGNING_KEY:-}" ] && ! gpg --batch --list-secret-keys 2>/dev/null | grep -q '^sec'; then
  export GNUPGHOME="$out/gnupg"
  mkdir -p -m 700 -- "$GNUPGHOME"
  # gpg starts an agent for this throwaway folder; stop it when the demo ends (the user's own
  # agent, if any, is left alone).
  trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true' EXIT
  if ! gpg --batch --list-secret-keys 2>/dev/null | grep -q '^sec'; then
    # rsa3072, not ed25519: rkt's verifier (Go x/crypto/openpgp) cannot read EdDSA keys.
    gpg --batch --passphrase '' --quick-gen-key 'nix2aci demo (throwaway) <demo@nix2aci.invalid>' rsa3072 sign never 2>/dev/null
  fi
  echo "you have no gpg secret key: using a throwaway demo key in $GNUPGHOME" >&2
fi
(cd "$out" && ./result/postprocess.sh "$out/ACIs")
aci="$out/ACIs/$(basename "$image")"

step "5/6 Validating with actool (the appc reference validator)"
actool validate "$aci"
echo "actool: $aci is a valid ACI" >&2

step "6/6 Trusting the key and running the image (bubblewrap; rkt's command line)"
export NIX2ACI_TRUST_DIR="$out/trust"
key=$(find "$out/ACIs" -maxdepth 1 -name 'pubkey-*.asc' | head -n 1)
node bin/nix2aci.js trust --prefix=nix2aci.example/busybox "$key"
node bin/nix2aci.js inspect "$aci"
echo '$ busybox | head -n1   (typed into the container shell)' >&2
# --interactive: like rkt, the app (the image's /bin/sh) only gets stdin when asked.
if ! banner=$(echo 'busybox | head -n1' | node bin/nix2aci.js run --interactive "$aci" 2>"$out/run.log"); then
  cat "$out/run.log" >&2
  exit 1
fi
echo "$banner"
case "$banner" in
  BusyBox\ v*) ;;
  *) cat "$out/run.log" >&2; echo "demo: the container did not print the BusyBox banner" >&2; exit 1 ;;
esac

cat >&2 <<SUMMARY

Done. Where everything is:
  generated Nix files   $out/generated (default.nix: one attribute per image)
  build result          $out/result -> $(readlink "$out/result")
  signed image          $aci
  signature             $aci.asc
  trusted keys          $NIX2ACI_TRUST_DIR
Run it yourself:        NIX2ACI_TRUST_DIR=$NIX2ACI_TRUST_DIR node bin/nix2aci.js run --interactive $aci
SUMMARY
