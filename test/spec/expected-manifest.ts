/**
 * The appc manifest a valid spec must give, computed here from the spec alone (the test's own
 * reading of docs/mkaci-arguments.md), to check that every value and key arrives exactly.
 * `version` defaults to the version of packages[0] (`versionOf` its attribute path); the os/arch
 * default is that of x86_64-linux.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Readonly<Record<string, unknown>>;

/** Nix sorts attribute names by their UTF-8 bytes. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const keysOf = (o: unknown): string[] => Object.keys((o ?? {}) as Obj).sort(byBytes);
const nameValues = (o: unknown): Json[] => keysOf(o).map((name) => ({ name, value: (o as Obj)[name] as Json }));

/** Leaves out null, [] and {} members, as mkACI (and actool) write manifests. */
function compact(entries: readonly (readonly [string, unknown])[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of entries) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const ownCopy = (o: unknown): Json => {
  if (Array.isArray(o)) return o.map(ownCopy);
  if (typeof o !== "object" || o === null) return o as Json;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(o)) Object.defineProperty(out, key, { value: ownCopy((o as Obj)[key]), enumerable: true, writable: true, configurable: true });
  return out;
};

export function expectedManifest(spec: Obj, versionOf: (packageRef: unknown) => string): Json {
  const list = (key: string): readonly Obj[] => (spec[key] ?? []) as readonly Obj[];
  const app = compact([
    ["exec", spec["exec"]],
    ["user", spec["user"] ?? "0"],
    ["group", spec["group"] ?? "0"],
    ["supplementaryGIDs", spec["supplementaryGIDs"]],
    ["workingDirectory", spec["workingDirectory"]],
    ["eventHandlers", list("eventHandlers").map((h) => ({ name: h["name"] as Json, exec: h["exec"] as Json }))],
    ["isolators", [...list("isolators"), ...list("customIsolators")].map((i) => ({ name: i["name"] as Json, value: ownCopy(i["value"]) }))],
    ["userAnnotations", ownCopy(spec["userAnnotations"] ?? {})],
    ["userLabels", ownCopy(spec["userLabels"] ?? {})],
    ["environment", nameValues(spec["environment"])],
    ["ports", list("ports").map((p) => ({ name: p["name"], protocol: p["protocol"], port: p["port"], count: p["count"] ?? 1, socketActivated: p["socketActivated"] ?? false }) as unknown as Json)],
    ["mountPoints", list("mountPoints").map((m) => ({ name: m["name"], path: m["path"], readOnly: m["readOnly"] ?? false }) as unknown as Json)],
  ]);
  return compact([
    ["acKind", "ImageManifest"],
    ["acVersion", "0.8.11"],
    ["name", spec["name"]],
    ["pathWhitelist", spec["pathWhitelist"]],
    [
      "labels",
      [
        { name: "version", value: spec["version"] ?? versionOf((spec["packages"] as readonly unknown[])[0]) },
        { name: "os", value: spec["os"] ?? "linux" },
        { name: "arch", value: spec["arch"] ?? "amd64" },
        ...nameValues(spec["labels"]),
      ],
    ],
    ["annotations", nameValues(spec["annotations"])],
    ["app", app],
    [
      "dependencies",
      list("dependencies").map((d) => compact([["imageName", d["imageName"]], ["imageID", d["imageID"]], ["size", d["size"]], ["labels", nameValues(d["labels"])]])),
    ],
  ]);
}

/** JSON text with every object's keys sorted, for exact comparison (own `__proto__` keys included). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Obj)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
