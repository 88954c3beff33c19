# The same loop without a process per store path: one mkdir for all, the AC Name by parameter
# expansion (other characters to '-', runs squeezed, like tr -cs), each output opened once.
mkdir -- "${storePaths[@]/#/$rootfs}"
for path in "${storePaths[@]}"; do
  base=${path##*/}
  name=${base,,}
  name=${name//[^a-z0-9]/-}
  while [[ $name == *--* ]]; do name=${name//--/-}; done
  name=nix-store-${name%-}
  printf -- '--volume %s,kind=host,source=%s,readOnly=true\n' "$name" "$path" >&3
  printf '{"name":"%s","path":"%s","readOnly":true}\n' "$name" "$path" >&4
done 3>> "$mounts" 4>> "$jsonl"
