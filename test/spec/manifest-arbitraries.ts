/**
 * fast-check generators of appc ImageManifests: valid ones (valid for actool AND for our stricter
 * rules), and single-field mutations of them. A mutation says whether it hits a rule where we are
 * deliberately stricter than actool (lib/spec/README.md), i.e. where the verdicts must differ.
 */
import fc from "fast-check";
import { isRfc3339 } from "../../lib/spec/appc-rules.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Manifest = { [key: string]: Json };
type App = { [key: string]: Json };

export interface Case {
  readonly manifest: Json;
  /** What was changed, for failure reports. */
  readonly mutation: string;
  /** True when we must say invalid while actool says valid (a documented stricter rule). */
  readonly stricter: boolean;
  /**
   * True where our rule is documented as stricter without an exact model of actool's (URLs):
   * we may say invalid where actool says valid, never the other way round.
   */
  readonly mayBeStricter?: boolean;
}

const lower = "abcdefghijklmnopqrstuvwxyz0123456789";
const alnum = fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 6 });
/** A strict AC Name. */
export const acName = fc.array(alnum, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("-"));
/** A strict AC identifier. */
export const acIdentifier = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom("-", ".", "_", "~", "/"), alnum), { maxLength: 3 }))
  .map(([first, rest]) => first + rest.map(([sep, part]) => sep + part).join(""));

const absPath = fc.array(alnum, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join("/")}`);
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes("\u0000"));
const envName = fc
  .tuple(fc.constantFrom("A", "z", "_"), fc.string({ unit: fc.constantFrom("A", "b", "_", "0", ".", "-"), maxLength: 5 }))
  .map(([a, b]) => a + b);

const OS_ARCH: readonly [string, string][] = [
  ["linux", "amd64"], ["linux", "i386"], ["linux", "aarch64"], ["linux", "aarch64_be"], ["linux", "armv6l"],
  ["linux", "armv7l"], ["linux", "armv7b"], ["linux", "ppc64"], ["linux", "ppc64le"], ["linux", "s390x"],
  ["freebsd", "amd64"], ["freebsd", "i386"], ["freebsd", "arm"], ["darwin", "x86_64"], ["darwin", "i386"],
];

/** Digits of given length. */
const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, "0"));

/** RFC 3339 date-times, valid and near-valid (ranges, separators, zones), for both validators. */
export const dateLike = fc
  .tuple(
    digits(4, 9999),
    fc.integer({ min: 0, max: 13 }).map((m) => String(m).padStart(2, "0")),
    fc.integer({ min: 0, max: 32 }).map((d) => String(d).padStart(2, "0")),
    fc.constantFrom("T", "t", " "),
    fc.oneof(digits(2, 25), digits(1, 9)),
    digits(2, 61),
    digits(2, 61),
    fc.constantFrom("", ".5", ".123456789", ",25", "."),
    fc.constantFrom("Z", "z", "+00:00", "-07:30", "+23:59", "+24:00", "+99:00", "+01:60", "+0100", "+ab:cd", ""),
  )
  .map(([y, mo, d, t, h, mi, s, frac, zone]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac}${zone}`);

/** Resource quantities, valid and not. */
export const quantityLike: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."0123456789.+-eEinumkKMGTP x"), maxLength: 6 }),
  fc.constantFrom("500m", "1", "1.5", "128Mi", "1Gi", "2k", "1e3", "1E-2", ".5", "5.", "-1", "+2", "0", "-", "1x", "abc", "", " 1 ", "1Ki", "1ki", "1e", "1e+", "12n", "3u"),
  fc.integer({ min: -5, max: 100000 }),
  fc.double({ min: 0, max: 10, noNaN: true }),
);

const urlLike = fc.oneof(
  fc
    .tuple(fc.constantFrom("http://", "https://", "HtTp://", "http:", "ftp://", ""), fc.string({ unit: fc.constantFrom(..."ab1.:/?#%@[] 2f-"), maxLength: 10 }))
    .map(([scheme, rest]) => scheme + rest),
  fc.constantFrom(
  "http://example.org", "https://example.org/x?y#z", "HTTP://EXAMPLE.ORG", "ftp://example.org", "example.org",
  "https://", "http://a b", "http://%zz", "https://x:80/", "https://x:ab/", "mailto:x@y",
  ),
);

const capSet = fc.array(fc.constantFrom("CAP_NET_ADMIN", "CAP_CHOWN", "CAP_SYS_TIME"), { minLength: 1, maxLength: 3 });
const validIsolators = fc.tuple(...([
  fc.record({ request: fc.constantFrom("250m", "1"), limit: fc.constantFrom("500m", "2") }).map((value) => ({ name: "resource/cpu", value })),
  fc.record({ limit: fc.constantFrom("1Gi", "512Mi") }).map((value) => ({ name: "resource/memory", value })),
  fc.constant({ name: "resource/block-bandwidth", value: { default: true, limit: "10M" } }),
  fc.constant({ name: "resource/network-bandwidth", value: { default: true, limit: "1G" } }),
  capSet.map((set) => ({ name: "os/linux/capabilities-retain-set", value: { set } })),
  capSet.map((set) => ({ name: "os/linux/capabilities-remove-set", value: { set } })),
  fc.constant({ name: "os/linux/seccomp-retain-set", value: { set: ["@docker/default-whitelist"], errno: "EPERM" } }),
  fc.constant({ name: "os/linux/selinux-context", value: { user: "system_u", role: "system_r", type: "svirt_lxc_net_t", level: "s0:c1,c2" } }),
  fc.boolean().map((value) => ({ name: "os/linux/no-new-privileges", value })),
  fc.integer({ min: -1000, max: 1000 }).map((value) => ({ name: "os/linux/oom-score-adj", value })),
  fc.integer({ min: 2, max: 262144 }).map((value) => ({ name: "os/linux/cpu-shares", value })),
  fc.constant({ name: "os/unix/sysctl", value: { "net.ipv4.ip_forward": "1" } }),
] as fc.Arbitrary<Json>[]).map((arb) => fc.option(arb, { nil: undefined, freq: 3 }))).map((isolators) =>
  isolators.filter((i): i is Json => i !== undefined),
);

function uniqueBy<T>(key: (t: T) => string) {
  return (items: T[]): T[] => {
    const seen = new Set<string>();
    return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
  };
}

const app: fc.Arbitrary<App> = fc
  .record(
    {
      exec: fc.tuple(absPath, fc.array(text, { maxLength: 2 })).map(([cmd, args]) => [cmd, ...args]),
      user: fc.constantFrom("0", "1000", "root", "nobody"),
      group: fc.constantFrom("0", "100", "root", "nogroup"),
      supplementaryGIDs: fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 2 }),
      workingDirectory: absPath,
      environment: fc.array(fc.record({ name: envName, value: text }), { maxLength: 3 }).map(uniqueBy((e) => e.name)),
      mountPoints: fc
        .array(fc.record({ name: acName, path: absPath, readOnly: fc.boolean() }), { maxLength: 3 })
        .map(uniqueBy((m) => m.name))
        .map(uniqueBy((m) => m.path)),
      ports: fc
        .array(
          fc.record({
            name: acName,
            protocol: fc.constantFrom("tcp", "udp"),
            port: fc.integer({ min: 1, max: 65000 }),
            count: fc.integer({ min: 1, max: 10 }),
            socketActivated: fc.boolean(),
          }),
          { maxLength: 3 },
        )
        .map(uniqueBy((p) => p.name)),
      eventHandlers: fc.subarray([
        { name: "pre-start", exec: ["/bin/true"] },
        { name: "post-stop", exec: ["/bin/true", "x"] },
      ]),
      isolators: validIsolators,
      userAnnotations: fc.dictionary(alnum, text, { maxKeys: 2 }),
      userLabels: fc.dictionary(alnum, text, { maxKeys: 2 }),
    },
    { requiredKeys: ["exec", "user", "group"] },
  )
  .map((a) => a as App);

/** Valid for actool and for validateManifest. */
export const validManifest: fc.Arbitrary<Manifest> = fc
  .record(
    {
      name: acIdentifier,
      version: fc.option(text, { nil: undefined }),
      osArch: fc.option(fc.constantFrom(...OS_ARCH), { nil: undefined }),
      extraLabels: fc.array(fc.record({ name: acIdentifier, value: text }), { maxLength: 2 }),
      app: fc.option(app, { nil: undefined, freq: 5 }),
      annotations: fc.subarray([
        { name: "authors", value: "Jane <jane@example.org>" },
        { name: "homepage", value: "https://example.org/" },
        { name: "documentation", value: "http://example.org/doc" },
        { name: "created", value: "2016-05-04T03:02:01Z" },
      ]),
      dependencies: fc.array(
        fc.record(
          {
            imageName: acIdentifier,
            imageID: fc.stringMatching(/^[0-9a-f]{8,16}$/).map((h) => `sha512-${h}`),
            labels: fc.constant([{ name: "os", value: "linux" }, { name: "arch", value: "amd64" }]),
            size: fc.integer({ min: 0, max: 1 << 30 }),
          },
          { requiredKeys: ["imageName"] },
        ),
        { maxLength: 2 },
      ),
      pathWhitelist: fc.array(absPath, { maxLength: 2 }),
    },
    { requiredKeys: ["name", "extraLabels", "annotations"] },
  )
  .map((r) => {
    const labels: Json[] = [];
    if (r.version !== undefined) labels.push({ name: "version", value: r.version });
    if (r.osArch !== undefined) labels.push({ name: "os", value: r.osArch[0] }, { name: "arch", value: r.osArch[1] });
    for (const l of r.extraLabels) {
      if (!["name", "version", "os", "arch"].includes(l.name) && !labels.some((x) => (x as { name: string }).name === l.name)) labels.push(l);
    }
    const m: Manifest = { acKind: "ImageManifest", acVersion: "0.8.11", name: r.name, labels };
    if (r.app !== undefined) m["app"] = r.app;
    if (r.annotations.length > 0) m["annotations"] = r.annotations;
    if (r.dependencies !== undefined && r.dependencies.length > 0) m["dependencies"] = JSON.parse(JSON.stringify(r.dependencies)) as Json[];
    if (r.pathWhitelist !== undefined && r.pathWhitelist.length > 0) m["pathWhitelist"] = r.pathWhitelist;
    return m;
  });

const clone = (m: Manifest): Manifest => JSON.parse(JSON.stringify(m)) as Manifest;
const appOf = (m: Manifest): App => {
  if (typeof m["app"] !== "object" || m["app"] === null || Array.isArray(m["app"])) {
    m["app"] = { exec: ["/bin/sh"], user: "0", group: "0" };
  }
  return m["app"] as App;
};
const listIn = (obj: { [key: string]: Json }, key: string): Json[] => {
  if (!Array.isArray(obj[key])) obj[key] = [];
  return obj[key] as Json[];
};

type Mutator = (m: Manifest) => { mutation: string; stricter?: boolean; mayBeStricter?: boolean };
const mut = (f: Mutator) => f;

/** Go's looser AC identifier / AC Name checks (allowed chars, no separator at either end). */
const goAcIdentifier = (s: string): boolean => s !== "" && !/[^a-z0-9\-._~/]/.test(s) && !/^[-._~/]|[-._~/]$/.test(s);
const goAcName = (s: string): boolean => s !== "" && !/[^a-z0-9-]/.test(s) && !/^-|-$/.test(s);
const strictAcIdentifier = (s: string): boolean => /^[a-z0-9]+([-._~/][a-z0-9]+)*$/.test(s);
const strictAcName = (s: string): boolean => /^[a-z0-9]+([-][a-z0-9]+)*$/.test(s);

const identifierLike = fc.string({ unit: fc.constantFrom("a", "z", "0", "-", ".", "_", "~", "/", "A", " ", "é"), maxLength: 6 });
const nameLike = fc.string({ unit: fc.constantFrom("a", "0", "-", "_", "A", "."), maxLength: 6 });

/** Mutations that change exactly one thing. */
export const mutation: fc.Arbitrary<Mutator> = fc.oneof(
  // ---- identity
  identifierLike.map((s) => mut((m) => {
    m["name"] = s;
    return { mutation: `name=${JSON.stringify(s)}`, stricter: goAcIdentifier(s) && !strictAcIdentifier(s) };
  })),
  fc.constantFrom("PodManifest", "imagemanifest", "").map((k) => mut((m) => ((m["acKind"] = k), { mutation: `acKind=${k}` }))),
  fc.oneof(
    fc.constantFrom("0.0.0", "0.8", "x", "1.0.0-", "1.0.0+meta", "0.8.11-rc.1", "01.2.3", "1.2.3.4", "+1.2.3", "1.2.3-a..b"),
    fc.string({ unit: fc.constantFrom(..."0189.-+aZ"), maxLength: 9 }),
  ).map((v) =>
    mut((m) => ((m["acVersion"] = v), { mutation: `acVersion=${v}` })),
  ),
  // ---- labels
  fc.constant(mut((m) => {
    const labels = listIn(m, "labels");
    labels.push({ name: "dup", value: "1" }, { name: "dup", value: "2" });
    return { mutation: "duplicate label" };
  })),
  fc.constant(mut((m) => (listIn(m, "labels").push({ name: "name", value: "x" }), { mutation: 'label "name"' }))),
  identifierLike.map((s) => mut((m) => {
    listIn(m, "labels").push({ name: s, value: "x" });
    const clash = (m["labels"] as { name: string }[]).filter((l) => l.name === s).length > 1;
    const osArch = s === "os" || s === "arch" || s === "name";
    return { mutation: `label name ${JSON.stringify(s)}`, stricter: !clash && !osArch && goAcIdentifier(s) && !strictAcIdentifier(s) };
  })),
  fc.tuple(fc.constantFrom("linux", "freebsd", "darwin", "windows", "Linux", ""), fc.constantFrom("amd64", "x86_64", "arm", "i386", "riscv64", "")).map(([os, arch]) =>
    mut((m) => {
      m["labels"] = [...(listIn(m, "labels") as { name: string }[]).filter((l) => l.name !== "os" && l.name !== "arch"), { name: "os", value: os }, { name: "arch", value: arch }];
      return { mutation: `os/arch ${os}/${arch}` };
    }),
  ),
  fc.constantFrom("sparc", "").map((arch) => mut((m) => {
    m["labels"] = [...(listIn(m, "labels") as { name: string }[]).filter((l) => l.name !== "os" && l.name !== "arch"), { name: "arch", value: arch }];
    return { mutation: `arch ${arch} without os` };
  })),
  // ---- app basics
  fc.constantFrom("", "relative/dir", "/ok").map((wd) => mut((m) => ((appOf(m)["workingDirectory"] = wd), { mutation: `workingDirectory=${wd}` }))),
  fc.constantFrom("user", "group").map((k) => mut((m) => ((appOf(m)[k] = ""), { mutation: `${k} empty` }))),
  fc.constantFrom("user", "group").map((k) => mut((m) => (delete appOf(m)[k], { mutation: `${k} missing` }))),
  fc.constant(mut((m) => ((appOf(m)["user"] = 0), { mutation: "user is a number" }))),
  fc.constant(mut((m) => ((appOf(m)["exec"] = "/bin/sh"), { mutation: "exec is a string" }))),
  fc.constant(mut((m) => ((appOf(m)["supplementaryGIDs"] = [1.5]), { mutation: "supplementaryGIDs [1.5]" }))),
  // ---- environment
  fc.string({ unit: fc.constantFrom("A", "b", "_", "0", ".", "-", " ", "="), maxLength: 5 }).map((name) =>
    mut((m) => {
      const env = listIn(appOf(m), "environment");
      const dup = env.some((e) => (e as { name?: Json }).name === name);
      env.push({ name, value: "v" });
      return { mutation: `env name ${JSON.stringify(name)}${dup ? " (duplicate)" : ""}` };
    }),
  ),
  // ---- ports
  fc.tuple(fc.constantFrom(0, 1, 80, 65535, 65536, -1, 1.5), fc.option(fc.constantFrom(0, 1, 2, 100), { nil: undefined })).map(([port, count]) =>
    mut((m) => {
      const ports = listIn(appOf(m), "ports");
      const p: { [k: string]: Json } = { name: `p${ports.length}x`, protocol: "tcp", port };
      if (count !== undefined) p["count"] = count;
      ports.push(p);
      return { mutation: `port ${port} count ${String(count)}` };
    }),
  ),
  nameLike.map((name) => mut((m) => {
    const ports = listIn(appOf(m), "ports");
    const dup = ports.some((p) => (p as { name?: Json }).name === name);
    ports.push({ name, protocol: "tcp", port: 80 });
    return { mutation: `port name ${JSON.stringify(name)}`, stricter: goAcName(name) && (dup || !strictAcName(name)) };
  })),
  // ---- mount points
  nameLike.map((name) => mut((m) => {
    const mounts = listIn(appOf(m), "mountPoints") as { name: string; path: string }[];
    const dup = mounts.some((x) => x.name === name);
    mounts.push({ name, path: `/mnt/unique-${mounts.length}` });
    return { mutation: `mount name ${JSON.stringify(name)}`, stricter: goAcName(name) && (dup || !strictAcName(name)) };
  })),
  fc.constantFrom("relative", "", "/dup").map((path) => mut((m) => {
    const mounts = listIn(appOf(m), "mountPoints");
    mounts.push({ name: "mnt-a1", path }, ...(path === "/dup" ? [{ name: "mnt-a2", path }] : []));
    // relative, empty and repeated mount paths: actool accepts all three
    return { mutation: `mount path ${JSON.stringify(path)}`, stricter: true };
  })),
  // ---- event handlers
  fc.constantFrom("pre-start", "post-stop", "prestart", "").map((name) => mut((m) => {
    const handlers = listIn(appOf(m), "eventHandlers");
    handlers.push({ name, exec: ["/bin/true"] });
    return { mutation: `event handler ${JSON.stringify(name)}` };
  })),
  // ---- isolators: wrong shapes and values
  fc
    .constantFrom<[string, Json]>(
      ["os/linux/cpu-shares", 1], ["os/linux/cpu-shares", 262145], ["os/linux/cpu-shares", "512"], ["os/linux/cpu-shares", 2.5], ["os/linux/cpu-shares", 2],
      ["os/linux/oom-score-adj", -1001], ["os/linux/oom-score-adj", 1000], ["os/linux/oom-score-adj", true],
      ["os/linux/no-new-privileges", "true"], ["os/linux/no-new-privileges", 1], ["os/linux/no-new-privileges", false],
      ["os/linux/capabilities-retain-set", { set: [] }], ["os/linux/capabilities-retain-set", { set: "CAP_CHOWN" }], ["os/linux/capabilities-retain-set", ["CAP_CHOWN"]],
      ["os/linux/capabilities-remove-set", { set: ["ANYTHING"] }],
      ["os/linux/seccomp-remove-set", { set: ["reboot"], errno: "eperm" }], ["os/linux/seccomp-remove-set", { set: ["reboot"], errno: "E1" }],
      ["os/linux/seccomp-remove-set", { set: ["reboot"], errno: "EÄ" }], ["os/linux/seccomp-remove-set", { set: [] }],
      ["os/linux/selinux-context", { user: "a:b", role: "r", type: "t", level: "s0" }], ["os/linux/selinux-context", { user: "u", role: "r", type: "t", level: "" }],
      ["os/linux/selinux-context", { user: "u", role: "r", type: "t", level: "s0:c1" }],
      ["resource/cpu", { default: true, limit: "1" }], ["resource/cpu", { request: "1", limit: "2" }], ["resource/cpu", "1"],
      ["resource/memory", { limit: true }],
      ["resource/block-bandwidth", { limit: "1M" }], ["resource/block-iops", { default: true, request: "1", limit: "2" }],
      ["resource/network-bandwidth", { default: false, limit: "1" }], ["resource/network-bandwidth", { default: "true", limit: "1" }],
      ["os/unix/sysctl", { a: 1 }], ["os/unix/sysctl", ["a"]], ["os/unix/sysctl", {}],
      ["vendor.example/custom", {}], ["os/linux/apparmor-profile", { profile: "x" }], ["Bad Name", {}],
    )
    .map(([name, value]) => mut((m) => {
      const isolators = listIn(appOf(m), "isolators") as { name: string }[];
      const single = ["os/linux/cpu-shares", "os/linux/oom-score-adj", "os/linux/selinux-context", "os/unix/sysctl", "os/linux/seccomp-remove-set"];
      if (single.includes(name) || name.startsWith("os/linux/seccomp")) {
        appOf(m)["isolators"] = isolators.filter((i) => i.name !== name && !(name.startsWith("os/linux/seccomp") && i.name.startsWith("os/linux/seccomp")));
      }
      listIn(appOf(m), "isolators").push({ name, value });
      return { mutation: `isolator ${name} = ${JSON.stringify(value)}` };
    })),
  quantityLike.map((q) => mut((m) => {
    const isolators = listIn(appOf(m), "isolators");
    isolators.push({ name: "resource/memory", value: { limit: q } });
    return { mutation: `quantity ${JSON.stringify(q)}` };
  })),
  fc.constantFrom("os/linux/cpu-shares", "os/linux/seccomp-retain-set", "os/linux/capabilities-retain-set").map((name) => mut((m) => {
    const value: Json = name === "os/linux/cpu-shares" ? 100 : name === "os/linux/seccomp-retain-set" ? { set: ["x"] } : { set: ["CAP_CHOWN"] };
    const isolators = listIn(appOf(m), "isolators") as { name: string }[];
    appOf(m)["isolators"] = isolators.filter((i) => !i.name.startsWith("os/linux/seccomp") && i.name !== "os/linux/cpu-shares");
    listIn(appOf(m), "isolators").push({ name, value }, { name: name === "os/linux/seccomp-retain-set" ? "os/linux/seccomp-remove-set" : name, value });
    return { mutation: `isolator ${name} twice (or with its conflict)` };
  })),
  // ---- annotations
  dateLike.map((d) => mut((m) => {
    m["annotations"] = [...(listIn(m, "annotations") as { name: string }[]).filter((a) => a.name !== "created"), { name: "created", value: d }];
    // Go takes any two digits as zone hours and minutes; we want a real offset
    const zone = /[+-](\d\d):(\d\d)$/.exec(d);
    const oddZone = zone !== null && (Number(zone[1]) > 23 || Number(zone[2]) > 59);
    return { mutation: `created=${d}`, stricter: oddZone && isRfc3339(d.replace(/[+-]\d\d:\d\d$/, "Z")) };
  })),
  urlLike.map((u) => mut((m) => {
    m["annotations"] = [...(listIn(m, "annotations") as { name: string }[]).filter((a) => a.name !== "homepage"), { name: "homepage", value: u }];
    return { mutation: `homepage=${u}`, mayBeStricter: true };
  })),
  fc.constant(mut((m) => (listIn(m, "annotations").push({ name: "x", value: "1" }, { name: "x", value: "2" }), { mutation: "duplicate annotation" }))),
  // ---- dependencies
  fc.constantFrom("sha512-", "sha256-abc", "sha512-abc-def", "sha512-xyz", "abc").map((id) => mut((m) => {
    listIn(m, "dependencies").push({ imageName: "example.org/base", imageID: id });
    return { mutation: `imageID=${id}` };
  })),
  fc.constantFrom("", "Example.org", "example.org/base").map((n) => mut((m) => {
    listIn(m, "dependencies").push({ imageName: n });
    return { mutation: `imageName=${JSON.stringify(n)}` };
  })),
  fc.constant(mut((m) => (listIn(m, "dependencies").push({ imageName: "a", size: -1 }), { mutation: "dependency size -1" }))),
  fc.constant(mut((m) => (listIn(m, "dependencies").push({ imageName: "a", labels: [{ name: "os", value: "plan9" }] }), { mutation: "dependency os plan9" }))),
  // ---- deliberately stricter (documented in lib/spec/README.md)
  fc.constant(mut((m) => ((m["version"] = "1.0"), { mutation: "unknown top-level key version", stricter: true }))),
  fc.constant(mut((m) => ((appOf(m)["Exec"] = ["/x"]), { mutation: "unknown app key Exec", stricter: true }))),
  fc.constant(mut((m) => ((m["labels"] = null), { mutation: "labels null", stricter: true }))),
  fc.constant(mut((m) => ((appOf(m)["exec"] = []), { mutation: "exec empty", stricter: true }))),
  fc.constant(mut((m) => ((appOf(m)["exec"] = ["sh"]), { mutation: "exec[0] relative", stricter: true }))),
  fc.constant(mut((m) => ((appOf(m)["exec"] = ["/bin/sh", "a\u0000b"]), { mutation: "NUL in exec", stricter: true }))),
  fc.constant(mut((m) => (listIn(m, "labels").push({ name: "novalue" }), { mutation: "label without value", stricter: true }))),
  fc.constant(mut((m) => (listIn(appOf(m), "ports").push({ name: "noproto", port: 80 }), { mutation: "port without protocol", stricter: true }))),
);

/** Valid manifests (mutation "none") and single mutations of valid manifests, about half each. */
export const manifestCase: fc.Arbitrary<Case> = fc.oneof(
  validManifest.map((manifest): Case => ({ manifest, mutation: "none", stricter: false })),
  fc.tuple(validManifest, mutation).map(([base, mutate]): Case => {
    const manifest = clone(base);
    const { mutation: what, stricter = false, mayBeStricter = false } = mutate(manifest);
    return { manifest, mutation: what, stricter, mayBeStricter };
  }),
);
