# mkOCI's image (sourced by a runCommand in nix/mkOCI.nix; nixpkgs runs it with `set -eu -o pipefail`).
# Inputs: ociLayers (the layers derivation: blobs/sha256/*, layers.json), ociConfigPath (the image
# config without rootfs and history, JSON), ociAnnotationsPath (manifest annotations, JSON),
# ociRefName, ociImageBase, ociPostprocess.
# Output: $out/IMAGE.oci (an OCI image layout whose layer blobs link to the layers derivation),
# $out/IMAGE.oci.tar (the same layout as one tar: an oci-archive) and $out/postprocess.sh.
# Only small JSON files are written here, so changing a label rebuilds nothing else.
set -eu -o pipefail
export LC_ALL=C

layout=$out/$ociImageBase.oci
blobs=$layout/blobs/sha256
mkdir -p "$blobs"

# Writes stdin as a blob; prints its descriptor's digest and size as JSON fields.
add_blob() {
  local digest
  cat > "$PWD/blob"
  digest=$(sha256sum < "$PWD/blob" | cut -d' ' -f1)
  mv "$PWD/blob" "$blobs/$digest"
  jq -n -c --arg digest "sha256:$digest" --argjson size "$(stat -c %s "$blobs/$digest")" '{ $digest, $size }'
}

# The layers as links to the layers derivation's blobs (one process for them all).
cp -s "$ociLayers"/blobs/sha256/* "$blobs/"

# The config: the fields mapped from the appc manifest, the layers' diff IDs and their history.
config=$(jq -c -S --slurpfile layers "$ociLayers/layers.json" '
  .rootfs = { type: "layers", diff_ids: [ $layers[0][].diffID ] }
  | .created as $created
  | .history = [ $layers[0][] | {
      created: $created,
      created_by: "nix2aci mkOCI",
      comment: (if .paths == [] then "root filesystem: the packages merged, /etc, /tmp"
                elif (.paths | length) == 1 then .paths[0]
                else "\(.paths | length) store paths" end) } ]
  ' "$ociConfigPath" | add_blob)

manifest=$(jq -c -S -n --slurpfile layers "$ociLayers/layers.json" --slurpfile annotations "$ociAnnotationsPath" \
  --argjson config "$config" '{
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: ({ mediaType: "application/vnd.oci.image.config.v1+json" } + $config),
    layers: [ $layers[0][] | { mediaType, digest, size } ],
    annotations: $annotations[0]
  }' | add_blob)

jq -c -S -n --argjson manifest "$manifest" --arg ref "$ociRefName" '{
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [ { mediaType: "application/vnd.oci.image.manifest.v1+json" } + $manifest
               + { annotations: { "org.opencontainers.image.ref.name": $ref } } ]
}' > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

# The oci-archive: oci-layout and index.json first, then the blobs, as `podman load` and
# `skopeo copy oci-archive:` read it.
(cd "$layout" && find blobs -mindepth 2 | sort) > "$PWD/blob-list"
tar --create --file="$out/$ociImageBase.oci.tar" --format=gnu --mtime=@1 \
  --owner=0 --group=0 --numeric-owner --mode=a=rX,u+w --dereference --no-recursion \
  -C "$layout" oci-layout index.json blobs blobs/sha256 --files-from="$PWD/blob-list"

cp "$ociPostprocess" "$out/postprocess.sh"
chmod 0555 "$out/postprocess.sh"
