/** validateSpec: one test per rule, with the exact message a user reads. */
import { describe, expect, it } from "vitest";
import {
  SpecError,
  assertValidSpec,
  attrPath,
  defineACI,
  formatProblems,
  rawNix,
  param,
  validateSpec,
  validateSpecs,
  when,
  type ACISpec,
} from "../../lib/spec/index.js";
import * as n from "../../lib/nix/index.js";

const busybox = attrPath("busybox");
const base = {
  name: "example.org/busybox",
  packages: [busybox],
  exec: ["/bin/busybox", "sh"],
} as const;

/** The formatted problems of the base spec with `patch` applied (as a file would show them). */
function check(patch: Record<string, unknown>): string {
  return formatProblems(validateSpec({ ...base, ...patch }), "busybox.ts");
}

describe("a valid spec", () => {
  it("has no problems, with every field set", () => {
    const spec = defineACI({
      name: "example.org/web",
      version: "1.2.3",
      os: "linux",
      arch: "amd64",
      labels: { channel: "stable" },
      annotations: { authors: "Jane", homepage: "https://example.org", created: "2016-05-04T03:02:01Z", "example.org/x": "y" },
      params: { static: false, level: 3 },
      packages: [when(param("static"), attrPath("pkgsStatic", "busybox"), busybox), attrPath("hello").override({ level: param("level") })],
      thin: false,
      compression: "xz",
      etc: { hosts: "127.0.0.1 localhost\n", users: [{ name: "www", uid: 33, gid: 33 }], groups: [{ name: "www", gid: 33, members: ["www"] }] },
      extraCommands: "mkdir -p tmp",
      exec: ["/bin/httpd", "-f"],
      user: "www",
      group: "www",
      supplementaryGIDs: [100],
      environment: { PATH: "/bin", "my.var-1": "x" },
      workingDirectory: "/srv",
      eventHandlers: [{ name: "pre-start", exec: ["/bin/true"] }],
      ports: [{ name: "http", protocol: "tcp", port: 80 }, { name: "range", protocol: "udp", port: 65530, count: 6 }],
      mountPoints: [{ name: "data", path: "/srv/data" }, { name: "conf", path: "/etc/httpd", readOnly: true }],
      isolators: [
        { name: "resource/memory", value: { limit: "1Gi" } },
        { name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_BIND_SERVICE"] } },
        { name: "os/linux/no-new-privileges", value: true },
      ],
      customIsolators: [{ name: "vendor.example/x", value: { a: [1, null] } }],
      dependencies: [{ imageName: "example.org/base", imageID: "sha512-0123abcd", labels: { os: "linux", arch: "amd64" }, size: 10 }],
      pathWhitelist: ["/bin/httpd"],
      userAnnotations: { team: "web" },
      userLabels: { tier: "front" },
      variants: { webThin: { thin: true }, webStatic: { params: { static: true } } },
    });
    expect(validateSpec(spec)).toEqual([]);
  });
});

describe("text and numbers Nix cannot hold", () => {
  it("are refused anywhere, custom isolator values included", () => {
    const lone = "a\uD800b";
    const problems = check({
      exec: ["/bin/sh", lone],
      environment: { X: "\uDC00" },
      customIsolators: [{ name: "vendor.example/x", value: { n: Infinity, s: lone, ok: "\u{1F600}" } }],
    });
    expect(problems).toContain("exec[1]: must be valid Unicode text (no lone UTF-16 surrogate)");
    expect(problems).toContain("environment.X: must be valid Unicode text");
    expect(problems).toContain("customIsolators[0].value.n: must be a number Nix can hold (float is Infinity; Nix has no infinite float literal)");
    expect(problems).toContain("customIsolators[0].value.s: must be valid Unicode text");
    expect(problems).not.toContain("value.ok");
  });
});

describe("misspelled fields", () => {
  it("get the nearest field name, swapped letters included", () => {
    expect(check({ exce: ["/bin/sh"], enviroment: { A: "1" } })).toContain('exce: is not a known field (did you mean "exec"?)');
    expect(check({ enviroment: { A: "1" } })).toContain('enviroment: is not a known field (did you mean "environment"?)');
    expect(check({ zzzz: 1 })).toContain("zzzz: is not a known field, got 1");
  });
});

describe("identity", () => {
  it("name must be an AC identifier", () => {
    expect(check({ name: "Example.org/Busybox" })).toMatchInlineSnapshot(`"busybox.ts: name: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Example.org/Busybox""`);
  });
  it("a computed name type-checks but is caught at run time", () => {
    const flavour: string = "Static Build";
    const spec = defineACI({ ...base, name: `example.org/busybox-${flavour}` });
    expect(formatProblems(validateSpec(spec))).toMatchInlineSnapshot(`"name: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "example.org/busybox-Static Build""`);
  });
  it("os and arch must be a valid pair", () => {
    expect(check({ os: "darwin", arch: "amd64" })).toMatchInlineSnapshot(`"busybox.ts: arch: must be one of x86_64, i386 for os darwin, got "amd64""`);
    expect(check({ os: "windows" })).toMatchInlineSnapshot(`
      "busybox.ts: os: must be one of "linux", "freebsd", "darwin", got "windows"
      busybox.ts: os: needs arch too: give os and arch together (or neither, for the Nix system's), got "windows""
    `);
  });
  it("labels: not name, not version/os/arch, AC identifier names", () => {
    expect(check({ labels: { name: "x", version: "1", "Bad Label": "y" } })).toMatchInlineSnapshot(`
      "busybox.ts: labels.name: name must not be "name" (appc forbids a label called name), got "name"
      busybox.ts: labels.version: name must not be version, os, arch or variant: those have arguments of their own, got "version"
      busybox.ts: labels["Bad Label"]: name must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Bad Label""
    `);
  });
  it("annotations: AC identifier names, RFC 3339 created, http(s) homepage", () => {
    expect(
      check({ annotations: { created: "2016-02-30T00:00:00Z", homepage: "ftp://example.org", "Bad Name": "x", documentation: "https://ok.example" } }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: annotations["Bad Name"]: name must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Bad Name"
      busybox.ts: annotations.homepage: must be an http or https URL, got "ftp://example.org"
      busybox.ts: annotations.created: must be an RFC 3339 date-time such as 1970-01-01T00:00:00Z, got "2016-02-30T00:00:00Z""
    `);
  });
  it("strings must not contain NUL", () => {
    expect(check({ exec: ["/bin/sh", "-c", "echo a\u0000b"], environment: { A: "\u0000" } })).toMatchInlineSnapshot(`
      "busybox.ts: exec[2]: must not contain a NUL character, got "echo a\\u0000b"
      busybox.ts: environment.A: must not contain a NUL character, got "\\u0000""
    `);
  });
});

describe("content", () => {
  it("packages must not be empty and must be references", () => {
    expect(check({ packages: [] })).toMatchInlineSnapshot(`"busybox.ts: packages: must have at least one item, got []"`);
    expect(check({ packages: ["busybox"] })).toMatchInlineSnapshot(`"busybox.ts: packages[0]: must be a package reference: pkgs.…, attrPath(…), when(…) or rawNix(…), got "busybox""`);
  });
  it("params must be declared, and when() needs a boolean param", () => {
    expect(check({ packages: [when(param("static"), busybox, busybox)] })).toMatchInlineSnapshot(`"busybox.ts: packages[0]: param "static" is not declared in params, got param("static")"`);
    expect(check({ params: { static: "yes" }, packages: [when(param("static"), busybox, busybox)] })).toMatchInlineSnapshot(`"busybox.ts: packages[0]: when(param("static"), …) needs a boolean param, got "yes""`);
    expect(check({ packages: [attrPath("hello").override({ x: param("nope") })] })).toMatchInlineSnapshot(`"busybox.ts: packages[0].override.x: param "nope" is not declared in params, got param("nope")"`);
  });
  it("a param is not a package; when() branches in packages must be packages", () => {
    expect(check({ params: { p: true }, packages: [param("p"), when(param("p"), busybox, "busybox")] as unknown[] })).toMatchInlineSnapshot(`
      "busybox.ts: packages[0]: must be a package reference: pkgs.…, attrPath(…), when(…) or rawNix(…), got param("p")
      busybox.ts: packages[1]: both branches of when(…) in packages must be package references, got "busybox""
    `);
  });
  it("rawNix() embeds an expression; when() may test one", () => {
    const raw = rawNix(n.id("someDrv"));
    expect(check({ packages: [raw, when(rawNix(n.id("cond")), busybox, raw)] })).toBe("");
  });
  it("params: Nix identifiers, not reserved, JSON-like values", () => {
    expect(check({ params: { "with space": true, pkgs: 1, f: () => 1, x: { y: [Number.NaN] } } })).toMatchInlineSnapshot(`
      "busybox.ts: params["with space"]: param name must be a Nix identifier ([A-Za-z_][A-Za-z0-9_'-]*, not a keyword), got "with space"
      busybox.ts: params.pkgs: param name is reserved: every generated file takes pkgs, mkACI, overrides, lib, got "pkgs"
      busybox.ts: params.f: must be JSON-like data (null, boolean, number, string, list, plain object), got a function
      busybox.ts: params.x.y[0]: must be a number Nix can hold (float is NaN; Nix has no NaN literal), got NaN"
    `);
  });
  it("override arguments must be JSON-like data or references", () => {
    expect(check({ packages: [attrPath("hello").override({ when: new Date(0) as never })] })).toMatchInlineSnapshot(`"busybox.ts: packages[0].override.when: must be JSON-like data (null, boolean, number, string, list, plain object), got 1970-01-01T00:00:00.000Z"`);
  });
  it("compression is one of the four", () => {
    expect(check({ compression: "zstd" })).toMatchInlineSnapshot(`"busybox.ts: compression: must be one of "none", "gzip", "bzip2", "xz", got "zstd""`);
  });
  it("thin images cannot use the store in extraCommands", () => {
    expect(check({ thin: true, extraCommands: "cp /nix/store/*-x/bin/y bin/" })).toMatchInlineSnapshot(`"busybox.ts: extraCommands: a thin image has empty store folders at build time: extraCommands must not use /nix/store, got "cp /nix/store/*-x/bin/y bin/""`);
    expect(check({ thin: false, extraCommands: "cp /nix/store/*-x/bin/y bin/" })).toBe("");
  });
});

describe("the app", () => {
  it("exec must be non-empty with an absolute exec[0]", () => {
    expect(check({ exec: [] })).toMatchInlineSnapshot(`"busybox.ts: exec: must have at least one item, got []"`);
    expect(check({ exec: ["busybox", "sh"] })).toMatchInlineSnapshot(`"busybox.ts: exec[0]: must be an absolute path (start with /), got "busybox""`);
  });
  it("workingDirectory is absolute", () => {
    expect(check({ workingDirectory: "srv" })).toMatchInlineSnapshot(`"busybox.ts: workingDirectory: must be an absolute path (start with /), got "srv""`);
  });
  it("ports: AC Names, unique, 1-65535, count >= 1, range within 65535", () => {
    expect(
      check({
        ports: [
          { name: "http", protocol: "tcp", port: 80 },
          { name: "HTTP", protocol: "tcp", port: 0 },
          { name: "http", protocol: "tcp", port: 65536 },
          { name: "r", protocol: "udp", port: 65535, count: 2 },
          { name: "c", protocol: "udp", port: 1, count: 0 },
        ],
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: ports[1].name: must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$), got "HTTP"
      busybox.ts: ports[1].port: must be >= 1, got 0
      busybox.ts: ports[2].port: must be <= 65535, got 65536
      busybox.ts: ports[2].name: must be unique in this list (item 0 has the same name), got "http"
      busybox.ts: ports[3].count: port + count - 1 must be <= 65535 (port is 65535), got 2
      busybox.ts: ports[4].count: must be >= 1, got 0"
    `);
  });
  it("mountPoints: AC Names, absolute and unique paths, unique names", () => {
    expect(
      check({
        mountPoints: [
          { name: "data", path: "/data" },
          { name: "data", path: "/data/" },
          { name: "my_vol", path: "rel" },
        ],
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: mountPoints[1].path: must be an absolute path without empty, '.' or '..' parts and without a trailing /, got "/data/"
      busybox.ts: mountPoints[1].name: must be unique in this list (item 0 has the same name), got "data"
      busybox.ts: mountPoints[2].name: must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$), got "my_vol"
      busybox.ts: mountPoints[2].path: must be an absolute path without empty, '.' or '..' parts and without a trailing /, got "rel""
    `);
  });
  it("mountPoints: the store and its mount names are reserved", () => {
    expect(check({ mountPoints: [{ name: "nix-store-abc-x", path: "/nix/store/" }] })).toMatchInlineSnapshot(`
      "busybox.ts: mountPoints[0].name: must not start with "nix-store-": those names are the store mounts of thin images, got "nix-store-abc-x"
      busybox.ts: mountPoints[0].path: must be an absolute path without empty, '.' or '..' parts and without a trailing /, got "/nix/store/"
      busybox.ts: mountPoints[0].path: must not be /nix/store or under it: that holds the image's own store paths, got "/nix/store/""
    `);
  });
  it("eventHandlers: exec[0] is absolute", () => {
    expect(check({ eventHandlers: [{ name: "post-stop", exec: ["true"] }] })).toMatchInlineSnapshot(`"busybox.ts: eventHandlers[0].exec[0]: must be an absolute path (start with /), got "true""`);
  });
  it("environment names", () => {
    expect(check({ environment: { "1ABC": "x", "A B": "y", ok_1: "z" } })).toMatchInlineSnapshot(`
      "busybox.ts: environment["1ABC"]: name must be an environment variable name (^[A-Za-z_][A-Za-z_0-9.-]*$), got "1ABC"
      busybox.ts: environment["A B"]: name must be an environment variable name (^[A-Za-z_][A-Za-z_0-9.-]*$), got "A B""
    `);
  });
  it("eventHandlers: known names, once each", () => {
    expect(
      check({ eventHandlers: [{ name: "pre-start", exec: ["/a"] }, { name: "pre-start", exec: ["/b"] }, { name: "on-start", exec: ["/c"] }] }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: eventHandlers[1].name: must be unique in this list (item 0 has the same name), got "pre-start"
      busybox.ts: eventHandlers[2].name: must be one of "pre-start", "post-stop", got "on-start""
    `);
  });
  it("isolators: standard names, value shapes, once-only and conflicting ones", () => {
    expect(
      check({
        isolators: [
          { name: "resource/cpus", value: { limit: "1" } },
          { name: "os/linux/cpu-shares", value: "1024" },
          { name: "os/linux/capabilities-retain-set", value: { set: [] } },
          { name: "os/linux/capabilities-remove-set", value: { set: ["net_admin"] } },
          { name: "resource/memory", value: { limit: "lots" } },
          { name: "resource/block-iops", value: { limit: "10" } },
          { name: "os/linux/seccomp-retain-set", value: { set: ["read"], errno: "eperm" } },
          { name: "os/linux/seccomp-remove-set", value: { set: ["reboot"] } },
          { name: "os/linux/oom-score-adj", value: 5 },
          { name: "os/linux/oom-score-adj", value: 6 },
        ],
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: isolators[0].name: must be a standard appc isolator name (did you mean "resource/cpu"?); others go under customIsolators, got "resource/cpus"
      busybox.ts: isolators[1].value: must be a number, got "1024"
      busybox.ts: isolators[2].value.set: must have at least one item, got []
      busybox.ts: isolators[3].value.set[0]: must be a capability name such as CAP_NET_ADMIN, got "net_admin"
      busybox.ts: isolators[4].value.limit: must be a resource quantity such as "500m", "1.5", "128Mi" or a number, got "lots"
      busybox.ts: isolators[5].value.default: is required (true)
      busybox.ts: isolators[6].value.errno: must be an errno name such as EPERM (E, then upper case letters or digits), got "eperm"
      busybox.ts: isolators[7].name: cannot be used together with os/linux/seccomp-retain-set, got "os/linux/seccomp-remove-set"
      busybox.ts: isolators[9].name: may appear only once, got "os/linux/oom-score-adj""
    `);
  });
  it("customIsolators: AC identifier names, not standard ones", () => {
    expect(check({ customIsolators: [{ name: "resource/cpu", value: {} }, { name: "Vendor/X", value: 1 }] })).toMatchInlineSnapshot(`
      "busybox.ts: customIsolators[0].name: is a standard isolator: put it under isolators (its value is then type-checked), got "resource/cpu"
      busybox.ts: customIsolators[1].name: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Vendor/X""
    `);
  });
  it("a named user or group must be declared in etc (numbers and root need not)", () => {
    expect(check({ user: "www", group: "web" })).toMatchInlineSnapshot(`
      "busybox.ts: user: a user name must be a number, "root", or declared in etc.users, got "www"
      busybox.ts: group: a group name must be a number, "root", or declared in etc.groups, got "web""
    `);
    expect(check({ user: "1000", group: "root" })).toBe("");
    expect(check({ user: "www", group: "www", etc: { users: [{ name: "www", uid: 1, gid: 1 }], groups: [{ name: "www", gid: 1 }] } })).toBe("");
  });
  it("etc: unique names, root is built in, members exist, passwd fields", () => {
    expect(
      check({
        etc: {
          users: [
            { name: "a", uid: 1, gid: 1, gecos: "A: the first" },
            { name: "a", uid: 2, gid: 1, home: "home/a" },
            { name: "root", uid: 0, gid: 0 },
          ],
          groups: [{ name: "g", gid: 1, members: ["a", "b", "root"] }],
        },
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: etc.users[0].gecos: must not contain ':' or a newline (it is a field of /etc/passwd or /etc/group), got "A: the first"
      busybox.ts: etc.users[1].home: must be an absolute path (start with /), got "home/a"
      busybox.ts: etc.users[1].name: must be unique in this list (item 0 has the same name), got "a"
      busybox.ts: etc.users[2].name: root is always in /etc/passwd; do not list it, got "root"
      busybox.ts: etc.groups[0].members[1]: must be root or a user of etc.users, got "b""
    `);
  });
  it("dependencies: AC identifier, sha512 image ID, labels", () => {
    expect(
      check({ dependencies: [{ imageName: "Base", imageID: "sha256-abc", labels: { name: "x", os: "linux", arch: "x86_64" }, size: -1 }] }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: dependencies[0].imageName: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Base"
      busybox.ts: dependencies[0].imageID: must be "sha512-" followed by lower case hex digits, got "sha256-abc"
      busybox.ts: dependencies[0].labels.name: name must not be "name" (appc forbids a label called name), got "name"
      busybox.ts: dependencies[0].size: must be >= 0, got -1
      busybox.ts: dependencies[0].labels.arch: must be one of amd64, i386, aarch64, aarch64_be, armv6l, armv7l, armv7b, ppc64, ppc64le, s390x for os linux, got "x86_64""
    `);
  });
});

describe("field names", () => {
  it("unknown fields are reported with a suggestion", () => {
    expect(check({ mountPonts: [], ports: [{ name: "a", protocl: "tcp", protocol: "tcp", port: 1 }] })).toMatchInlineSnapshot(`
      "busybox.ts: ports[0].protocl: is not a known field (did you mean "protocol"?), got "tcp"
      busybox.ts: mountPonts: is not a known field (did you mean "mountPoints"?), got []"
    `);
  });
});

describe("variants", () => {
  it("names are Nix identifiers, differ from the spec's attribute, set declared params only", () => {
    expect(
      check({
        params: { static: false },
        variants: { "busybox thin": { thin: true }, busybox: { thin: true }, s: { params: { static: "yes", nope: 1 } } },
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: variants["busybox thin"]: variant name must be a Nix identifier and must be a variant name usable in file names (^[A-Za-z_][A-Za-z0-9_-]*$: a Nix identifier without '), got "busybox thin"
      busybox.ts: variants.busybox: variant name must differ from the spec's own attribute name "busybox", got "busybox"
      busybox.ts: variants.s.params.static: must be a boolean like the declared default, got "yes"
      busybox.ts: variants.s.params.nope: a variant may only set params the spec declares, got "nope""
    `);
  });
  it("a variant's own bad fields and the problems it creates are reported under variants.NAME", () => {
    expect(
      check({
        extraCommands: "ls /nix/store",
        variants: { thinOne: { thin: true }, badPorts: { ports: [{ name: "A", protocol: "tcp", port: 1 }] } },
      }),
    ).toMatchInlineSnapshot(`
      "busybox.ts: variants.badPorts.ports[0].name: must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$), got "A"
      busybox.ts: variants.thinOne.extraCommands: a thin image has empty store folders at build time: extraCommands must not use /nix/store, got "ls /nix/store""
    `);
  });
});

describe("all at once", () => {
  it("reports every problem in one pass, in field order", () => {
    const problems = validateSpec({ ...base, name: "X", exec: ["sh"], user: "", ports: [{ name: "A", protocol: "tcp", port: 0 }] });
    expect(problems.map((p) => `${p.path.join(".")} ${p.rule}`)).toMatchInlineSnapshot(`
      [
        "name ac-identifier",
        "exec.0 absolute-path",
        "user non-empty",
        "ports.0.name ac-name",
        "ports.0.port range",
      ]
    `);
  });
  it("a non-object spec", () => {
    expect(formatProblems(validateSpec("busybox"))).toMatchInlineSnapshot(`"(top level): must be an object, got "busybox""`);
  });
  it("SpecError carries the problems and the file", () => {
    let error: unknown;
    try {
      assertValidSpec({ ...base, exec: ["sh"] }, "busybox.ts");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems).toHaveLength(1);
    expect((error as SpecError).message).toMatchInlineSnapshot(`
      "invalid spec busybox.ts:
      busybox.ts: exec[0]: must be an absolute path (start with /), got "sh""
    `);
  });
  it("validateSpecs reports Nix attribute names used twice across specs", () => {
    const a: ACISpec = { ...base, variants: { thin: { thin: true } } };
    const b: ACISpec = { ...base, name: "other.org/busybox" };
    const c: ACISpec = { ...base, name: "example.org/thin" };
    expect(formatProblems(validateSpecs([a, b, c]))).toMatchInlineSnapshot(`
      "[1].name: Nix attribute name "busybox" is already used by [0].name, got "busybox"
      [2].name: Nix attribute name "thin" is already used by [0].variants.thin, got "thin""
    `);
  });
});
