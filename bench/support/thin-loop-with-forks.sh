# nix/build-aci.sh's thin mount-point loop as it was before (a mkdir and a $(printf | tr) per
# store path). Input: storePaths, rootfs, mounts, jsonl (set by thin-loop.ts's wrapper).
for path in "${storePaths[@]}"; do
  mkdir "$rootfs$path"
  base=${path##*/}
  name=$(printf '%s' "${base,,}" | tr -cs 'a-z0-9' '-')
  name=nix-store-${name%-}
  printf -- '--volume %s,kind=host,source=%s,readOnly=true\n' "$name" "$path" >> "$mounts"
  printf '{"name":"%s","path":"%s","readOnly":true}\n' "$name" "$path" >> "$jsonl"
done
