#!/usr/bin/env bash
# Placeholder: links the images of this build result into ACIs/ (signing comes with issue 6).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:-ACIs}
mkdir -p -- "$outdir"
for f in "$here"/*.aci "$here"/*.mounts; do
  [ -e "$f" ] || continue
  ln -sfn -- "$f" "$outdir/$(basename -- "$f")"
done
