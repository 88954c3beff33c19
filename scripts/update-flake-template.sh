#!/usr/bin/env bash
# Rewrites templates/flake/ (the flake's `templates.default`) as `nix2aci-gen init` with default
# values plus its generated nix/ folder, so that `nix flake init -t nix2aci` gives a project that
# builds without Node. test/flake/template.test.ts fails when the folder is stale.
# Needs the compiled CLI (npm run build). Usage: scripts/update-flake-template.sh [DIR]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${1:-$repo/templates/flake}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The project folder's name becomes the package name: "images" is init's own fallback name.
project=$work/images
node "$repo/bin/nix2aci-gen.js" init "$project" >/dev/null
# As `npm run generate` writes it once nix2aci is installed in the project's node_modules.
(cd "$project" && node "$repo/bin/nix2aci-gen.js" --check --out-dir nix --nix-dir node_modules/nix2aci/nix specs)

# npm leaves every file named .gitignore out of the package: the template ships it as gitignore,
# and its welcome text's first command renames it.
mv "$project/.gitignore" "$project/gitignore"

rm -rf "$target"
mkdir -p "$(dirname "$target")"
cp -R "$project" "$target"
echo "wrote $target"
