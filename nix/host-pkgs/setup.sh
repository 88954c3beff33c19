# host-pkgs builder (run by the host's /bin/bash): a nixpkgs-like build environment made of host
# programs. Puts the bin/ folder of every nativeBuildInputs/buildInputs element first on PATH, then
# the host's program folders, and runs buildCommand (as nixpkgs' runCommand does) or the phases.
set -eu -o pipefail

path_prefix=
for input in ${nativeBuildInputs:-} ${buildInputs:-}; do
  if [ -d "$input/bin" ]; then path_prefix+="$input/bin:"; fi
done
export PATH="${path_prefix}/usr/bin:/bin:/usr/sbin:/sbin"
# Like nixpkgs' stdenv: a fixed timestamp for tools that embed one.
export SOURCE_DATE_EPOCH=315532800
export LC_ALL=C
cd "$NIX_BUILD_TOP"

if [ -n "${buildCommandPath:-}" ]; then
  source "$buildCommandPath"
elif [ -n "${buildCommand+set}" ]; then
  eval "$buildCommand"
else
  for phase in ${phases:-buildPhase installPhase}; do
    if [ -n "${!phase:-}" ]; then eval "${!phase}"; fi
  done
fi
