/**
 * validateManifest: its messages, and each rule of lib/spec/README.md "Deliberately stricter than
 * actool" checked against actool itself (actool must accept what we reject, or the rule would not
 * be "stricter" but simply shared).
 */
import { describe, expect, it } from "vitest";
import { formatProblems } from "../../lib/spec/index.js";
import { validateManifest } from "../support/appc-manifest.js";
import { actoolValidate } from "./actool.js";

const app = { exec: ["/bin/sh"], user: "0", group: "0" };
const valid = { acKind: "ImageManifest", acVersion: "0.8.11", name: "example.org/a", app } as const;
const withApp = (patch: Record<string, unknown>) => ({ ...valid, app: { ...app, ...patch } });

/** Each stricter rule: a manifest actool accepts and we reject, with our message. */
const STRICTER: Record<string, unknown> = {
  "unknown top-level key": { ...valid, version: "1.0.0" },
  "unknown key with another case": withApp({ Exec: ["/x"] }),
  "null instead of an absent key": { ...valid, labels: null },
  "label without a value": { ...valid, labels: [{ name: "channel" }] },
  "label without a name": { ...valid, labels: [{ value: "x" }] },
  "environment variable without a value": withApp({ environment: [{ name: "A" }] }),
  "app without exec": { ...valid, app: { user: "0", group: "0" } },
  "empty exec": withApp({ exec: [] }),
  "relative exec[0]": withApp({ exec: ["sh"] }),
  "relative eventHandler exec[0]": withApp({ eventHandlers: [{ name: "pre-start", exec: ["true"] }] }),
  "repeated separators in an AC identifier": { ...valid, name: "example..org/a" },
  "repeated dashes in an AC Name": withApp({ mountPoints: [{ name: "a--b", path: "/a" }] }),
  "mount point without a name": withApp({ mountPoints: [{ path: "/a" }] }),
  "relative mount path": withApp({ mountPoints: [{ name: "a", path: "a" }] }),
  "empty mount path": withApp({ mountPoints: [{ name: "a", path: "" }] }),
  "repeated mount point name": withApp({ mountPoints: [{ name: "a", path: "/a" }, { name: "a", path: "/b" }] }),
  "repeated mount point path": withApp({ mountPoints: [{ name: "a", path: "/a" }, { name: "b", path: "/a" }] }),
  "repeated port name": withApp({ ports: [{ name: "p", protocol: "tcp", port: 1 }, { name: "p", protocol: "tcp", port: 2 }] }),
  "port without protocol": withApp({ ports: [{ name: "p", port: 1 }] }),
  "NUL in a string": withApp({ exec: ["/bin/sh", "-c", "a\u0000b"] }),
  "time zone offset out of range": { ...valid, annotations: [{ name: "created", value: "2016-01-02T03:04:05+25:00" }] },
  "homepage without a host": { ...valid, annotations: [{ name: "homepage", value: "http:example.org" }] },
  "homepage with a space": { ...valid, annotations: [{ name: "homepage", value: "https://example.org/a b" }] },
  // JSON.parse has rounded this one already; Go reads the exact integer into an int64.
  "supplementary GID above 2^53": withApp({ supplementaryGIDs: [2 ** 60] }),
};

describe("deliberately stricter than actool", () => {
  it("actool accepts every one of them, we reject each with one clear problem", async () => {
    const names = Object.keys(STRICTER);
    const verdicts = await actoolValidate(names.map((name) => JSON.stringify(STRICTER[name])));
    const lines = names.map((name, i) => {
      expect(verdicts[i]?.valid, `${name}: actool ${verdicts[i]?.message ?? ""}`).toBe(true);
      return `${name} => ${formatProblems(validateManifest(STRICTER[name]))}`;
    });
    expect(lines.join("\n")).toMatchInlineSnapshot(`
      "unknown top-level key => version: is not a known field (did you mean "acVersion"?), got "1.0.0"
      unknown key with another case => app.Exec: is not a known field (did you mean "exec"?), got ["/x"]
      null instead of an absent key => labels: must be a list, got null
      label without a value => labels[0].value: is required (a string)
      label without a name => labels[0].name: is required (a string)
      environment variable without a value => app.environment[0].value: is required (a string)
      app without exec => app.exec: is required (a list)
      empty exec => app.exec: must have at least one item, got []
      relative exec[0] => app.exec[0]: must be an absolute path (start with /), got "sh"
      relative eventHandler exec[0] => app.eventHandlers[0].exec[0]: must be an absolute path (start with /), got "true"
      repeated separators in an AC identifier => name: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "example..org/a"
      repeated dashes in an AC Name => app.mountPoints[0].name: must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$), got "a--b"
      mount point without a name => app.mountPoints[0].name: is required (a string)
      relative mount path => app.mountPoints[0].path: must be an absolute path (start with /), got "a"
      empty mount path => app.mountPoints[0].path: must be an absolute path (start with /), got ""
      repeated mount point name => app.mountPoints[1].name: must be unique among mountPoints (same as [0].name), got "a"
      repeated mount point path => app.mountPoints[1].path: must be unique among mountPoints (same as [0].path), got "/a"
      repeated port name => app.ports[1].name: must be unique among ports (same as [0].name), got "p"
      port without protocol => app.ports[0].protocol: is required (a string)
      NUL in a string => app.exec[2]: must not contain a NUL character, got "a\\u0000b"
      time zone offset out of range => annotations[0].value: created must be an RFC 3339 date-time such as 1970-01-01T00:00:00Z, got "2016-01-02T03:04:05+25:00"
      homepage without a host => annotations[0].value: homepage must be an http or https URL, got "http:example.org"
      homepage with a space => annotations[0].value: homepage must be an http or https URL, got "https://example.org/a b"
      supplementary GID above 2^53 => app.supplementaryGIDs[0]: must be an integer, got 1152921504606847000"
    `);
  });
});

describe("Go's parsers, exactly", () => {
  it("resource quantities are trimmed with strings.TrimSpace's space set (U+0085 yes, U+FEFF no), as actool does", async () => {
    const limits = ["\ufeff1", "1\ufeff", "\u00851", "1\u0085", "\u00a01", "\u20001", "1\u3000", "\u180e1", "\u200b1", " 1 ", "\t1\n", "\u000b1"];
    const manifests = limits.map((limit) => withApp({ isolators: [{ name: "resource/memory", value: { limit } }] }));
    const verdicts = await actoolValidate(manifests.map((m) => JSON.stringify(m)));
    const ours = manifests.map((m) => validateManifest(m).length === 0);
    expect(ours).toEqual(verdicts.map((v) => v.valid));
    // Both verdicts occur: the set matters.
    expect(new Set(ours)).toEqual(new Set([true, false]));
  });
});

describe("shared with actool", () => {
  it("the base manifest and an image without app are valid for both", async () => {
    const manifests = [valid, { acKind: "ImageManifest", acVersion: "0.8.11", name: "a" }];
    expect((await actoolValidate(manifests.map((m) => JSON.stringify(m)))).map((v) => v.valid)).toEqual([true, true]);
    expect(manifests.map(validateManifest)).toEqual([[], []]);
  });
  it("reports every problem at once, with paths", async () => {
    const bad = {
      acKind: "ImageManifest",
      acVersion: "0.8.11",
      name: "Example",
      labels: [{ name: "os", value: "linux" }, { name: "arch", value: "x86_64" }, { name: "name", value: "x" }],
      app: {
        exec: ["/bin/sh"],
        user: "",
        group: "0",
        ports: [{ name: "http", protocol: "tcp", port: 65536 }],
        environment: [{ name: "1X", value: "" }],
        isolators: [
          { name: "os/linux/cpu-shares", value: 1 },
          { name: "resource/block-iops", value: { default: false, limit: "x" } },
          { name: "vendor.example/x", value: {} },
        ],
      },
      annotations: [{ name: "created", value: "yesterday" }],
      dependencies: [{ imageName: "example.org/base", imageID: "sha256-00" }],
    };
    expect((await actoolValidate([JSON.stringify(bad)]))[0]?.valid).toBe(false);
    expect(formatProblems(validateManifest(bad), "manifest")).toMatchInlineSnapshot(`
      "manifest: name: must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$), got "Example"
      manifest: labels[2].name: label name must not be "name", got "name"
      manifest: labels[1].value: arch must be one of amd64, i386, aarch64, aarch64_be, armv6l, armv7l, armv7b, ppc64, ppc64le, s390x for os linux, got "x86_64"
      manifest: app.user: must not be empty, got ""
      manifest: app.environment[0].name: must be an environment variable name (^[A-Za-z_][A-Za-z_0-9.-]*$), got "1X"
      manifest: app.ports[0].port: must be from 1 to 65535, got 65536
      manifest: app.isolators[0].value: must be an integer from 2 to 262144, got 1
      manifest: app.isolators[1].value.limit: must be a resource quantity such as "500m", "1.5", "128Mi" or a number, got "x"
      manifest: app.isolators[1].value.default: default must be true, got false
      manifest: app.isolators[2].name: is not a standard appc 0.8.11 isolator (actool rejects unknown isolators), got "vendor.example/x"
      manifest: annotations[0].value: created must be an RFC 3339 date-time such as 1970-01-01T00:00:00Z, got "yesterday"
      manifest: dependencies[0].imageID: must be "sha512-" followed by the hash, got "sha256-00""
    `);
  });
  it("a manifest that is not an object", () => {
    expect(formatProblems(validateManifest([]))).toMatchInlineSnapshot(`"(top level): a manifest must be a JSON object, got []"`);
  });
});
