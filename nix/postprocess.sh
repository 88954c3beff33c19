#!/usr/bin/env bash
# nix2aci postprocess.sh: copied by mkACI and mkOCI into every build result, next to the images.
# Links this result's images (and a thin image's .mounts file) into OUTDIR and signs each
# image with the user's GnuPG 2 into OUTDIR/NAME.aci.asc, the detached ASCII-armored signature
# rkt checks. An OCI image (NAME.oci layout, NAME.oci.tar archive) is signed the way the
# containers tools verify ("simple signing"): skopeo copies it, signed, to OUTDIR/NAME.oci.signed
# (a dir: image) and OUTDIR/NAME.oci.policy.json is a signedBy policy that checks it.
# Runs on the user's host, never inside Nix; writes only to OUTDIR.
set -euo pipefail

prog=postprocess.sh

usage() {
  cat <<'EOF'
usage: postprocess.sh [--no-sign] [--allow-eddsa] [OUTDIR]

Links the .aci images of this Nix build result (and the .mounts file of a thin image) into
OUTDIR (default: ACIs, relative to the current directory) and signs each image with gpg into
OUTDIR/NAME.aci.asc: a detached, ASCII-armored signature over the exact image bytes, as rkt
expects, and exports the signer's public key as OUTDIR/pubkey-FINGERPRINT.asc in the form rkt
can load (the primary key and the signing key only: no cv25519 or other subkeys). Each new link
into the Nix store is an indirect GC root (nix-store --add-root --indirect): nix-collect-garbage
keeps its image while the link exists. Re-running is safe: links are replaced atomically and a
failed or interrupted run never leaves a partial or stale .asc file.

OCI images (NAME.oci, NAME.oci.tar) are linked too; signing copies each with
`skopeo copy --sign-by` into OUTDIR/NAME.oci.signed (a dir: image holding the simple-signing
signature) and writes OUTDIR/NAME.oci.policy.json, a policy whose signedBy rule checks it:
  podman pull --signature-policy OUTDIR/NAME.oci.policy.json dir:OUTDIR/NAME.oci.signed

options:
  --no-sign       only link the images, do not sign
  --allow-eddsa   sign even with a key rkt cannot read: EdDSA (ed25519), or ECC on a curve
                  other than NIST P-256/384/521
  -h, --help      show this help

environment:
  NIX2ACI_SIGNING_KEY   key to sign with (gpg --local-user); default: gpg's default key
  GNUPGHOME             gpg's home directory, as usual

gpg2 is used when present, else gpg if it is GnuPG 2.
EOF
}

die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}

sign=1
allow_eddsa=0
outdir=
have_outdir=0
while [ "$#" -gt 0 ]; do
  case $1 in
    --no-sign) sign=0 ;;
    --allow-eddsa) allow_eddsa=1 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -?*) printf '%s: unknown option %s\n' "$prog" "$1" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
if [ "$#" -gt 1 ]; then
  printf '%s: expected at most one OUTDIR, got %s arguments\n' "$prog" "$#" >&2
  usage >&2
  exit 2
fi
if [ "$#" -eq 1 ]; then
  outdir=$1
  have_outdir=1
fi
[ "$have_outdir" -eq 1 ] || outdir=ACIs
[ -n "$outdir" ] || { printf '%s: OUTDIR must not be empty\n' "$prog" >&2; exit 2; }

# The real folder of this script (through a `result` symlink or a link to the script itself),
# so the links in OUTDIR point into the store path whose bytes get signed, not at `result`.
self=$0
if resolved=$(readlink -f -- "$self" 2>/dev/null) && [ -n "$resolved" ]; then
  self=$resolved
fi
here=$(cd -P -- "$(dirname -- "$self")" && pwd -P)

shopt -s nullglob
images=("$here"/*.aci)
mounts=("$here"/*.mounts)
layouts=("$here"/*.oci)
shopt -u nullglob
[ "${#images[@]}" -gt 0 ] || [ "${#layouts[@]}" -gt 0 ] || die "no .aci or .oci image next to this script in '$here'"

# ---------------------------------------------------------------------------------------------
# gpg selection and signing-key checks (before anything is written).

# Public-key algorithms of the EdDSA family (22: EdDSA as gpg 2.2 makes it; 27/28: RFC 9580
# Ed25519/Ed448). Go's x/crypto/openpgp, which rkt verifies with, cannot parse them at all.
is_eddsa_algo() {
  case $1 in 22 | 27 | 28) return 0 ;; *) return 1 ;; esac
}

eddsa_refusal() {
  cat >&2 <<EOF
$prog: refusing to sign with $1, an EdDSA (ed25519) key:
  rkt verifies signatures with Go's x/crypto/openpgp, which cannot read EdDSA keys at all,
  so rkt could never verify these images. Sign with an RSA key instead, e.g.
    gpg --quick-gen-key 'Your Name <you@example.org>' rsa3072 sign
    NIX2ACI_SIGNING_KEY=you@example.org $0
  or pass --allow-eddsa if the images are only verified by other tools.
EOF
  exit 1
}

gpg=
signing_key=${NIX2ACI_SIGNING_KEY-}
gpg_opts=(--batch --no-tty)
if [ "$sign" -eq 1 ]; then
  if command -v gpg2 >/dev/null 2>&1; then
    gpg=gpg2
  elif command -v gpg >/dev/null 2>&1; then
    gpg_version=$(gpg --version 2>/dev/null) || true
    gpg_version=${gpg_version%%$'\n'*}
    case $gpg_version in
      *"(GnuPG) 1."* | "") die "'gpg' is not GnuPG 2 (${gpg_version:-no version}); install GnuPG 2 (Debian: gnupg) or run with --no-sign" ;;
    esac
    gpg=gpg
  else
    die "neither gpg2 nor gpg is installed; install GnuPG 2 (Debian: gnupg) or run with --no-sign"
  fi

  if [ -n "$signing_key" ]; then
    gpg_opts+=(--local-user "$signing_key")
  fi
  # A passphrase can be asked for on a terminal or a desktop; anywhere else, fail at once with a
  # clear message instead of waiting on a pinentry nobody sees. A cached passphrase still works.
  if [ -t 0 ]; then
    if [ -z "${GPG_TTY-}" ]; then
      GPG_TTY=$(tty) || true
      export GPG_TTY
    fi
  elif [ -z "${DISPLAY-}${WAYLAND_DISPLAY-}${GPG_TTY-}" ]; then
    gpg_opts+=(--pinentry-mode error)
  fi

  # Which secret keys could sign: with NIX2ACI_SIGNING_KEY that key, else every secret key
  # (gpg's default is one of them). Refuse early only when all usable signing keys are EdDSA;
  # the key gpg really used is checked again after signing.
  list_args=(--with-colons --list-secret-keys)
  [ -z "$signing_key" ] || list_args+=(-- "$signing_key")
  if ! listing=$("$gpg" --batch --no-tty "${list_args[@]}" 2>/dev/null); then
    die "no secret key '$signing_key' in gpg's keyring (${GNUPGHOME:-~/.gnupg}); set NIX2ACI_SIGNING_KEY to one 'gpg --list-secret-keys' shows"
  fi
  signing_algos=$(printf '%s\n' "$listing" | awk -F: '
    ($1 == "sec" || $1 == "ssb") && $12 ~ /s/ && $2 !~ /[redni]/ { print $4 }')
  if [ -z "$signing_algos" ]; then
    if [ -z "$listing" ]; then
      die "no secret key in gpg's keyring (${GNUPGHOME:-~/.gnupg}); create one, e.g. gpg --quick-gen-key 'Your Name <you@example.org>' rsa3072 sign"
    fi
    die "no usable (unexpired, unrevoked) signing key${signing_key:+ for '$signing_key'} in gpg's keyring"
  fi
  # (Only rkt, hence only .aci images, cannot use EdDSA keys.)
  if [ "$allow_eddsa" -eq 0 ] && [ "${#images[@]}" -gt 0 ]; then
    all_eddsa=1
    while IFS= read -r algo; do
      is_eddsa_algo "$algo" || all_eddsa=0
    done <<<"$signing_algos"
    default_key_label="gpg's default key"
    [ "$all_eddsa" -eq 0 ] || eddsa_refusal "${signing_key:-$default_key_label}"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Scratch space inside OUTDIR (same file system, so a rename into place is atomic), removed on
# any exit. A signal interrupts `wait`, stops gpg and cleans up: no partial .asc ever appears.

mkdir -p -- "$outdir"
# A run killed with SIGKILL could not clean up: sweep scratch folders whose run is gone (its pid
# file names a dead process, or it has none and is over a minute old).
for stale in "$outdir"/.nix2aci-postprocess.*; do
  [ -d "$stale" ] || continue
  if [ -f "$stale/pid" ]; then
    ! kill -0 "$(cat -- "$stale/pid")" 2>/dev/null || continue
  elif [ -z "$(find "$stale" -maxdepth 0 -mmin +1)" ]; then
    continue
  fi
  rm -rf -- "$stale"
done
work=$(mktemp -d -- "$outdir/.nix2aci-postprocess.XXXXXX")
echo "$$" > "$work/pid"
child=
cleanup() {
  if [ -n "$child" ]; then
    kill -- "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Points OUTDIR/NAME at $1, replacing an older link atomically; an unchanged link is left alone.
# A new link into the Nix store is made an indirect GC root first (`nix-store --add-root
# --indirect`, which points it at the store path; the final link replaces that), so that
# nix-collect-garbage keeps the image as long as the link exists, `result` or not.
# (Failures are checked explicitly: `set -e` does not apply inside a function called from `||`.)
link_into_outdir() {
  local src=$1 dest store=${NIX_STORE_DIR:-/nix/store}
  dest=$outdir/$(basename -- "$src")
  if [ -L "$dest" ] && [ "$(readlink -- "$dest")" = "$src" ]; then
    return 0
  fi
  ln -s -- "$src" "$work/link" || die "cannot create a link in '$outdir'"
  case $src in
    "$store"/*/*)
      if [ ! -e "$dest" ] || [ -L "$dest" ]; then
        if ! command -v nix-store >/dev/null 2>&1 ||
          ! nix-store --add-root "$dest" --indirect --realise "${src%/*}" >/dev/null 2>"$work/gcroot.err"; then
          printf '%s: warning: %s is not a GC root (nix-store --add-root failed: %s); nix-collect-garbage may remove its image\n' \
            "$prog" "$dest" "$(head -n 1 -- "$work/gcroot.err" 2>/dev/null || echo 'no nix-store')" >&2
        fi
      fi ;;
  esac
  mv -f -T -- "$work/link" "$dest" || die "cannot replace '$dest' with a link to '$src'"
}

# The manifest JSON of an image, whatever its compression (gzip, bzip2, xz or none).
read_manifest() {
  local image=$1 magic
  local tar_opts=(-xOf - manifest)
  magic=$(od -An -tx1 -N6 -- "$image" | tr -d ' \n')
  # GNU tar stops after the first `manifest` (mkACI packs it first) instead of reading it all.
  case $(tar --version 2>/dev/null) in *GNU*) tar_opts+=(--occurrence=1) ;; esac
  case $magic in
    1f8b*) gzip -dc -- "$image" ;;
    425a68*) bzip2 -dc -- "$image" ;;
    fd377a585a00) xz -dc -- "$image" ;;
    *) cat -- "$image" ;;
  esac | tar "${tar_opts[@]}"
}

# The top-level "name" of a JSON object on stdin (keys of nested objects are skipped).
# A tiny scanner so that neither jq nor python is needed on the host.
json_top_level_name() {
  awk '
    {
      n = length($0)
      for (i = 1; i <= n; i++) {
        c = substr($0, i, 1)
        if (instr) {
          if (esc) { esc = 0; buf = buf c; continue }
          if (c == "\\") { esc = 1; buf = buf c; continue }
          if (c != "\"") { buf = buf c; continue }
          instr = 0
          if (depth == 1 && wantkey) { key = buf; wantkey = 0 }
          else if (depth == 1 && colon && key == "name") { print buf; exit }
          continue
        }
        if (c == "\"") { instr = 1; buf = ""; continue }
        if (c == "{" || c == "[") { depth++; if (depth == 1 && c == "{") wantkey = 1; continue }
        if (c == "}" || c == "]") { depth--; continue }
        if (depth == 1 && c == ":") { colon = 1; continue }
        if (depth == 1 && c == ",") { wantkey = 1; colon = 0; key = ""; continue }
      }
    }'
}

image_name() {
  local manifest name
  manifest=$(read_manifest "$1" 2>/dev/null) || true
  name=$(printf '%s\n' "$manifest" | json_top_level_name) || true
  if printf '%s\n' "$name" | grep -Eqx '[a-z0-9]+([-._~/][a-z0-9]+)*'; then
    printf '%s\n' "$name"
  fi
}

# Signs image $1 into $2 (atomically), once export_public_key has checked that rkt can read the
# key; sets signer_fpr to the fingerprint of the key gpg used.
# $3 = 0: not for rkt (any key gpg can use is fine). Not called through $(...): a signal must
# reach this shell while it waits for gpg.
signer_fpr=
sign_image() {
  local image=$1 sig=$2 for_rkt=${3:-1} rc=0 created algo fpr
  rm -f -- "$work/sig.asc" "$work/status" "$work/stderr"
  "$gpg" "${gpg_opts[@]}" --yes --status-file "$work/status" \
    --detach-sign --armor --output "$work/sig.asc" -- "$image" \
    </dev/null 2>"$work/stderr" &
  child=$!
  wait "$child" || rc=$?
  child=
  if [ "$rc" -ne 0 ] || [ ! -s "$work/sig.asc" ]; then
    explain_gpg_failure "$rc"
  fi
  # SIG_CREATED <type> <pk_algo> <hash_algo> <class> <timestamp> <fingerprint>
  created=$(grep -E '^\[GNUPG:\] SIG_CREATED ' -- "$work/status" | head -n 1) || true
  algo=$(printf '%s\n' "$created" | awk '{ print $4 }')
  fpr=$(printf '%s\n' "$created" | awk '{ print $8 }')
  [ -n "$fpr" ] || die "gpg reported no signature for '$image'"
  if [ "$allow_eddsa" -eq 0 ] && [ "$for_rkt" -eq 1 ] && is_eddsa_algo "$algo"; then
    eddsa_refusal "key $fpr"
  fi
  export_public_key "$fpr" "$for_rkt"
  mv -f -T -- "$work/sig.asc" "$sig"
  signer_fpr=$fpr
}

explain_gpg_failure() {
  local rc=$1 status='' errors=''
  [ ! -f "$work/status" ] || status=$(cat -- "$work/status")
  [ ! -f "$work/stderr" ] || errors=$(cat -- "$work/stderr")
  case $status$'\n'$errors in
    *INV_SGNR* | *NO_SGNR* | *"No secret key"*)
      printf '%s: gpg has no secret key %s to sign with (GNUPGHOME=%s)\n' "$prog" \
        "${signing_key:-(default)}" "${GNUPGHOME:-~/.gnupg}" >&2 ;;
    *PINENTRY* | *"No pinentry"* | *"Inappropriate ioctl"* | *"Bad passphrase"* | *"cancelled"* | *"canceled"*)
      printf '%s: the signing key is locked by a passphrase and it could not be asked for\n' "$prog" >&2
      printf '  (no terminal or pinentry here). Run from a terminal, or unlock the key in gpg-agent\n' >&2
      printf '  first (for instance by signing anything once), then run this again.\n' >&2 ;;
    *)
      printf '%s: gpg failed (exit status %s)\n' "$prog" "$rc" >&2 ;;
  esac
  [ -z "$errors" ] || printf '%s\n' "$errors" | sed 's/^/  gpg: /' >&2
  exit 1
}

# Why Go's x/crypto/openpgp (rkt's verifier) cannot parse a key of algorithm $1 on curve $2
# (nothing when it can): it reads RSA, ElGamal, DSA, and ECDSA/ECDH on the NIST curves only. A key
# holding any other (sub)key, even an encryption subkey that never signs, fails to load as a whole.
rkt_cannot_read() {
  case $1 in
    1 | 2 | 3 | 16 | 17) ;;
    18 | 19) case $2 in nistp256 | nistp384 | nistp521) ;; *) key_label "$1" "$2" ;; esac ;;
    *) key_label "$1" "$2" ;;
  esac
}

# A short name for algorithm $1 on curve $2, for messages.
key_label() {
  case $1 in
    1 | 2 | 3) printf 'RSA' ;;
    16) printf 'ElGamal' ;;
    17) printf 'DSA' ;;
    18) printf 'ECDH %s' "${2:-?}" ;;
    19) printf 'ECDSA %s' "${2:-?}" ;;
    22) printf 'EdDSA %s' "${2:-?}" ;;
    *) printf 'algorithm %s %s' "$1" "$2" ;;
  esac
}

# `KIND KEYID ALGORITHM CURVE` for each key of a `gpg --with-colons` listing (KIND: pub or sub).
colon_keys() {
  awk -F: '$1 == "pub" || $1 == "sub" { print $1, $5, $4, $17 }'
}

# Exports the public key that made the signature, fingerprint $1, into $work/pubkey.asc as a
# keyring rkt can load: the primary key, that signing (sub)key, the user IDs and their
# self-signatures (`FPR!` with export-minimal), and no other subkey (gpg's default cv25519
# encryption subkey makes Go's openpgp reject a whole key). Refuses a key rkt cannot read unless
# --allow-eddsa. Sets key_note to the subkeys it left out.
key_note=
export_public_key() {
  local fpr=$1 for_rkt=${2:-1} kind keyid algo curve why label unreadable='' exported=' ' left=''
  "$gpg" --batch --no-tty --armor --export --export-options export-minimal -- "$fpr!" >"$work/pubkey.asc" 2>/dev/null ||
    die "could not export public key $fpr"
  while read -r kind keyid algo curve; do
    exported+="$keyid "
    why=$(rkt_cannot_read "$algo" "$curve")
    if [ -n "$why" ]; then
      if [ "$kind" = pub ]; then label="primary key"; else label=subkey; fi
      unreadable+="${unreadable:+, }$label $keyid ($why)"
    fi
  done < <("$gpg" --batch --no-tty --with-colons --import-options show-only --import <"$work/pubkey.asc" 2>/dev/null | colon_keys)
  [ "$exported" != ' ' ] || die "could not export public key $fpr"
  if [ -n "$unreadable" ] && [ "$allow_eddsa" -eq 0 ] && [ "$for_rkt" -eq 1 ]; then
    cat >&2 <<EOF
$prog: refusing to sign with key $fpr: rkt could not load it.
  rkt verifies signatures with Go's x/crypto/openpgp, which cannot parse its
  $unreadable.
  Sign with an RSA key instead, e.g. gpg --quick-gen-key 'Your Name <you@example.org>' rsa3072 sign
  or pass --allow-eddsa if the images are only verified by other tools.
EOF
    exit 1
  fi
  while read -r kind keyid algo curve; do
    [ "$kind" = sub ] || continue
    case $exported in *" $keyid "*) continue ;; esac
    left+="${left:+, }$keyid ($(key_label "$algo" "$curve"))"
  done < <("$gpg" --batch --no-tty --with-colons --list-keys -- "$fpr" 2>/dev/null | colon_keys)
  key_note=${left:+; left out: subkey $left}
}

# ---------------------------------------------------------------------------------------------

# (${a[@]+"${a[@]}"}: an empty array under `set -u` is an error before bash 4.4.)
for mount_file in ${mounts[@]+"${mounts[@]}"}; do
  link_into_outdir "$mount_file"
  printf 'linked  %s\n' "$outdir/$(basename -- "$mount_file")"
done

trust_lines=()
for image in ${images[@]+"${images[@]}"}; do
  dest=$outdir/$(basename -- "$image")
  # A changed image makes an older signature beside its link stale: drop it first, so an
  # interruption in between cannot leave a signature over other bytes.
  if [ ! -L "$dest" ] || [ "$(readlink -- "$dest")" != "$image" ]; then
    rm -f -- "$dest.asc"
  fi
  link_into_outdir "$image"
  printf 'linked  %s\n' "$dest"
  [ "$sign" -eq 1 ] || continue

  sign_image "$image" "$dest.asc"
  printf 'signed  %s (key %s)\n' "$dest.asc" "$signer_fpr"
  keyfile=$outdir/pubkey-$signer_fpr.asc
  if cmp -s -- "$work/pubkey.asc" "$keyfile"; then
    rm -f -- "$work/pubkey.asc"
  else
    mv -f -T -- "$work/pubkey.asc" "$keyfile"
  fi
  printf 'key     %s (the primary key and the signing key%s)\n' "$keyfile" "$key_note"
  name=$(image_name "$image")
  if [ -z "$name" ]; then
    printf '%s: warning: could not read the image name from the manifest of %s\n' "$prog" "$image" >&2
    name='IMAGE-NAME'
  fi
  trust_lines+=("$(printf 'rkt trust --prefix=%q %q' "$name" "$keyfile")")
  trust_lines+=("$(printf 'nix2aci trust --prefix=%q %q' "$name" "$keyfile")")
done

# ---------------------------------------------------------------------------------------------
# OCI images: the layout and its archive are linked; signing is skopeo's simple signing, which
# an OCI layout cannot hold, so the signed image is a dir: copy beside a policy that checks it.

# The org.opencontainers.image.ref.name of a layout's manifest (mkOCI writes index.json on one
# line, and a Docker reference holds no quote or backslash).
oci_ref_name() {
  sed -n 's/.*"org\.opencontainers\.image\.ref\.name":"\([^"\\]*\)".*/\1/p' -- "$1/index.json"
}

# $1 as a JSON string (a file path: quotes and backslashes escaped).
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# Writes into $1 (atomically) a policy accepting dir: images signed by key file $3 for identity $2.
write_policy() {
  cat > "$work/policy.json" <<EOF
{
  "default": [{ "type": "reject" }],
  "transports": {
    "dir": {
      "": [{
        "type": "signedBy",
        "keyType": "GPGKeys",
        "keyPath": $(json_string "$3"),
        "signedIdentity": { "type": "exactReference", "dockerReference": $(json_string "$2") }
      }]
    }
  }
}
EOF
  mv -f -T -- "$work/policy.json" "$1"
}

oci_fpr=
verify_lines=()
for layout in ${layouts[@]+"${layouts[@]}"}; do
  dest=$outdir/$(basename -- "$layout")
  link_into_outdir "$layout"
  printf 'linked  %s\n' "$dest"
  if [ -f "$layout.tar" ]; then
    link_into_outdir "$layout.tar"
    printf 'linked  %s\n' "$dest.tar"
  fi
  [ "$sign" -eq 1 ] || continue

  command -v skopeo >/dev/null 2>&1 || die "signing OCI images needs skopeo (Debian: skopeo); or run with --no-sign"
  ref=$(oci_ref_name "$layout")
  [ -n "$ref" ] || die "no org.opencontainers.image.ref.name in '$layout/index.json'"
  if [ -z "$oci_fpr" ]; then
    # skopeo wants a fingerprint: the one of the key gpg signs with (NIX2ACI_SIGNING_KEY or its
    # default key), learnt by signing a few bytes. This also unlocks the key in gpg-agent.
    printf 'nix2aci signing-key probe\n' > "$work/probe"
    sign_image "$work/probe" "$work/probe.asc" 0
    oci_fpr=$signer_fpr
  fi
  rm -rf -- "$work/signed" "$work/stale"
  rc=0
  skopeo copy --quiet --sign-by "$oci_fpr" --sign-identity "$ref" -- "oci:$layout" "dir:$work/signed" \
    </dev/null 2>"$work/stderr" &
  child=$!
  wait "$child" || rc=$?
  child=
  if [ "$rc" -ne 0 ]; then
    printf '%s: skopeo could not sign %s (exit status %s)\n' "$prog" "$layout" "$rc" >&2
    sed 's/^/  skopeo: /' -- "$work/stderr" >&2
    exit 1
  fi
  # The policy names the key and identity of the signature beside it: drop it first, and move the
  # old signed copy aside before the new one takes its place.
  rm -f -- "$dest.policy.json"
  if [ -e "$dest.signed" ]; then mv -T -- "$dest.signed" "$work/stale"; fi
  mv -T -- "$work/signed" "$dest.signed"
  printf 'signed  %s (key %s, identity %s)\n' "$dest.signed" "$oci_fpr" "$ref"
  export_public_key "$oci_fpr" 0
  keyfile=$outdir/pubkey-$oci_fpr.asc
  if cmp -s -- "$work/pubkey.asc" "$keyfile"; then rm -f -- "$work/pubkey.asc"; else mv -f -T -- "$work/pubkey.asc" "$keyfile"; fi
  write_policy "$dest.policy.json" "$ref" "$(cd -P -- "$(dirname -- "$keyfile")" && pwd -P)/$(basename -- "$keyfile")"
  printf 'policy  %s\n' "$dest.policy.json"
  verify_lines+=("$(printf 'podman pull --signature-policy %q dir:%q' "$dest.policy.json" "$dest.signed")")
done

if [ "${#trust_lines[@]}" -gt 0 ]; then
  printf '\nTo trust the signing key for these images (on the machine that runs them):\n'
  printf '  %s\n' "${trust_lines[@]}"
fi
if [ "${#verify_lines[@]}" -gt 0 ]; then
  printf '\nTo check the signatures of the OCI images and load them:\n'
  printf '  %s\n' "${verify_lines[@]}"
fi
