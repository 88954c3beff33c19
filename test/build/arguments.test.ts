/**
 * mkACI's argument checks and defaults at evaluation time (nix-instantiate only, no builds):
 * bad input throws "nix2aci mkACI: <argument>: <rule>", good input becomes the manifest.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MKACI_ARGUMENTS } from "../../lib/spec/index.js";
import { nixEnv, nixEvalJson, repoRoot, requireNix } from "../support/nix.js";

const prelude = `let pkgs = import ./nix/host-pkgs.nix {}; inherit (import ./nix { inherit pkgs; }) mkACI;
  ok = { name = "nix2aci.test/args"; packages = [ pkgs.busybox ]; exec = [ "/bin/busybox" ]; }; in`;

/** Evaluates `(mkACI ARGS).drvPath`; returns the error text (throws if evaluation succeeded). */
function evalError(args: string): string {
  requireNix();
  const result = spawnSync("nix-instantiate", ["--eval", "--strict", "-E", `${prelude} (mkACI (${args})).drvPath`], {
    encoding: "utf8",
    env: nixEnv,
    cwd: repoRoot,
  });
  if (result.status === 0) throw new Error(`evaluation of ${args} succeeded: ${result.stdout}`);
  return result.stderr;
}

function manifestOf(args: string): Record<string, unknown> {
  return nixEvalJson(`${prelude} (mkACI (${args})).manifest`) as Record<string, unknown>;
}

describe("mkACI argument errors name the argument and the rule", () => {
  it.each([
    ["removeAttrs ok [ \"name\" ]", "'mkACI' at", "called without required argument 'name'"],
    ["ok // { exec = \"/bin/sh\"; }", "nix2aci mkACI: exec: must be a list, got \"/bin/sh\""],
    ["ok // { exec = [ ]; }", "nix2aci mkACI: exec: must have at least one item"],
    ["ok // { exec = [ \"/bin/sh\" 1 ]; }", "nix2aci mkACI: exec[1]: must be a string, got 1"],
    ["ok // { exec = [ \"sh\" ]; }", "nix2aci mkACI: exec[0]: must be an absolute path (start with /), got \"sh\""],
    ["ok // { packages = [ \"busybox\" ]; }", "nix2aci mkACI: packages[0]: must be a derivation (a package), got \"busybox\""],
    ["ok // { name = \"Nix2ACI/Busybox\"; }", "nix2aci mkACI: name: must be an AC identifier", "got \"Nix2ACI/Busybox\""],
    ["ok // { exce = [ ]; }", "nix2aci mkACI: exce: is not a known field (known: name, version,"],
    ["ok // { version = \"1.0/2\"; }", "nix2aci mkACI: version: must be a version usable in file and store path names"],
    ["ok // { version = \"1 0\"; }", "nix2aci mkACI: version: must be a version usable", "got \"1 0\""],
    ["ok // { labels.version = \"2\"; }", "nix2aci mkACI: labels.version: name must not be version, os, arch or variant"],
    ["ok // { labels.name = \"x\"; }", "nix2aci mkACI: labels.name: name must not be \"name\""],
    ["ok // { compression = \"zstd\"; }", "nix2aci mkACI: compression: must be one of \"none\", \"gzip\", \"bzip2\", \"xz\", got \"zstd\""],
    ["ok // { thin = \"yes\"; }", "nix2aci mkACI: thin: must be true or false, got \"yes\""],
    ["ok // { ports = [ { name = \"http\"; protocol = \"tcp\"; port = 70000; } ]; }", "nix2aci mkACI: ports[0].port: must be from 1 to 65535, got 70000"],
    ["ok // { ports = [ { name = \"http\"; protocol = \"tcp\"; port = 65535; count = 2; } ]; }", "nix2aci mkACI: ports[0].count: port + count - 1 must be <= 65535"],
    ["ok // { ports = [ { name = \"Http\"; protocol = \"tcp\"; port = 80; } ]; }", "nix2aci mkACI: ports[0].name: must be an AC Name"],
    ["ok // { ports = [ { name = \"http\"; port = 80; } ]; }", "nix2aci mkACI: ports[0].protocol: is required"],
    ["ok // { mountPoints = [ { name = \"d\"; path = \"/d\"; readonly = true; } ]; }", "nix2aci mkACI: mountPoints[0].readonly: is not a known field (known: name, path, readOnly)"],
    ["ok // { mountPoints = [ { name = \"d\"; path = \"d\"; } ]; }", "nix2aci mkACI: mountPoints[0].path: must be an absolute path without empty, '.' or '..' parts"],
    ["ok // { environment.\"1X\" = \"v\"; }", "nix2aci mkACI: environment[\"1X\"]: name must be an environment variable name"],
    ["ok // { environment.X = 1; }", "nix2aci mkACI: environment.X: must be a string, got 1"],
    ["ok // { eventHandlers = [ { name = \"on-start\"; exec = [ \"/x\" ]; } ]; }", "nix2aci mkACI: eventHandlers[0].name: must be one of \"pre-start\", \"post-stop\""],
    ["ok // { isolators = [ { name = \"resource/cpu\"; value = pkgs.busybox; } ]; }", "nix2aci mkACI: isolators[0].value: must be JSON data, not a derivation"],
    ["ok // { userAnnotations.outPath = \"k\"; }", "nix2aci mkACI: userAnnotations.outPath: name must not be outPath or __toString"],
    ["ok // { user = \"svc\"; }", "nix2aci mkACI: user: a user name must be a number, \"root\", or declared in etc.users, got \"svc\""],
    ["ok // { os = \"linux\"; }", "nix2aci mkACI: os: needs arch too"],
    ["ok // { etc.users = [ { name = \"a:b\"; uid = 1; gid = 1; } ]; }", "nix2aci mkACI: etc.users[0].name: must be a user or group name"],
    ["ok // { etc.users = [ { name = \"a\"; uid = -1; gid = 1; } ]; }", "nix2aci mkACI: etc.users[0].uid: must be from 0 to 4294967294, got -1"],
    ["ok // { etc.users = [ { name = \"a\"; uid = 1; gid = 1; home = \"srv\"; } ]; }", "nix2aci mkACI: etc.users[0].home: must be an absolute path"],
    ["ok // { etc.hostz = \"\"; }", "nix2aci mkACI: etc.hostz: is not a known field (known: hosts, users, groups)"],
    ["ok // { workingDirectory = \"srv\"; }", "nix2aci mkACI: workingDirectory: must be an absolute path (start with /), got \"srv\""],
    ["ok // { supplementaryGIDs = [ \"100\" ]; }", "nix2aci mkACI: supplementaryGIDs[0]: must be an integer, got \"100\""],
    ["ok // { dependencies = [ { imageName = \"a\"; imageID = \"sha256-00\"; } ]; }", "nix2aci mkACI: dependencies[0].imageID: must be \"sha512-\" followed by lower case hex digits"],
    ["ok // { ports = [ { name = \"a\"; protocol = \"tcp\"; port = 1; } { name = \"a\"; protocol = \"udp\"; port = 2; } ]; }", "nix2aci mkACI: ports[1].name: must be unique in this list, got \"a\""],
    ["ok // { extraCommands = [ \"ls\" ]; }", "nix2aci mkACI: extraCommands: must be a string, got a list"],
    ["ok // { exec = [ \"sh\" ]; name = \"A\"; }", "nix2aci mkACI: name: must be an AC identifier", "nix2aci mkACI: exec[0]: must be an absolute path"],
  ])("%s", (args, ...messages) => {
    const error = evalError(args);
    for (const message of messages) expect(error).toContain(message);
  });
});

describe("mkACI declares its arguments", () => {
  it("as formals, so builtins.functionArgs lists every argument of the table (required ones without a default)", () => {
    const formals = nixEvalJson(`${prelude} builtins.functionArgs mkACI`) as Record<string, boolean>;
    expect(Object.keys(formals)).toEqual(MKACI_ARGUMENTS.map((f) => f.name).sort());
    for (const field of MKACI_ARGUMENTS) expect(formals[field.name], field.name).toBe(field.default !== undefined);
  });
});

describe("mkACI defaults", () => {
  it("takes the version from packages[0] and os/arch from the host platform", () => {
    const manifest = manifestOf("ok");
    expect(manifest).toEqual({
      acKind: "ImageManifest",
      acVersion: "0.8.11",
      name: "nix2aci.test/args",
      labels: [
        { name: "version", value: "1.35.0" },
        { name: "os", value: "linux" },
        { name: "arch", value: "amd64" },
      ],
      app: { exec: ["/bin/busybox"], user: "0", group: "0" },
    });
  });

  it("parses the version from packages[0].name when it has no version attribute", () => {
    const manifest = manifestOf(
      `ok // { packages = [ (pkgs.runCommand "tool-4.2.1" {} "mkdir $out") ]; }`,
    );
    expect(manifest.labels).toContainEqual({ name: "version", value: "4.2.1" });
  });

  it("fails when no version can be found", () => {
    expect(evalError(`ok // { packages = [ (pkgs.runCommand "tool" {} "mkdir $out") ]; }`)).toContain(
      "nix2aci mkACI: version: is not given, and packages[0] (tool) has no version",
    );
  });

  it("lets os and arch be given, and sorts extra labels after version/os/arch", () => {
    const manifest = manifestOf(`ok // { os = "linux"; arch = "aarch64"; labels = { zeta = "z"; alpha = "a"; }; }`);
    expect(manifest.labels).toEqual([
      { name: "version", value: "1.35.0" },
      { name: "os", value: "linux" },
      { name: "arch", value: "aarch64" },
      { name: "alpha", value: "a" },
      { name: "zeta", value: "z" },
    ]);
    expect(nixEvalJson(`${prelude} (mkACI (ok // { os = "linux"; arch = "aarch64"; })).imageFileName`)).toBe(
      "args-1.35.0-linux-aarch64.aci",
    );
  });

  it("keeps strings exact through toJSON", () => {
    const tricky = 'a"b\\c$d`e\n\t${x}\u00e9';
    const nixString = JSON.stringify(tricky).replace(/\$\{/g, "\\${");
    const manifest = manifestOf(`ok // { exec = [ "/bin/echo" ${nixString} ]; }`);
    expect((manifest.app as { exec: string[] }).exec).toEqual(["/bin/echo", tricky]);
  });
});

describe("the README's Building with Nix commands", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = /## Building with Nix[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  // Lines that run on a machine without <nixpkgs> (the first line needs a real nixpkgs).
  const offline = block.split("\n").map((line) => line.replace(/\s+#.*$/, "")).filter((line) => line.includes("host-pkgs.nix"));

  it("run as written offline: the build, and functionArgs listing every argument", () => {
    requireNix();
    expect(offline).toHaveLength(2);
    // nix-build leaves ./result behind: remove it unless it was there before.
    const resultLink = join(repoRoot, "result");
    const hadResult = existsSync(resultLink);
    const [build, formals] = offline.map((line) => spawnSync("bash", ["-c", line], { cwd: repoRoot, env: nixEnv, encoding: "utf8" }));
    if (!hadResult) rmSync(resultLink, { force: true });
    expect(build?.status, build?.stderr).toBe(0);
    expect(build?.stdout).toMatch(/^\/nix\/store\/[a-z0-9]{32}-busybox-1\.35\.0-linux-amd64\n$/);
    expect(formals?.status, formals?.stderr).toBe(0);
    for (const field of MKACI_ARGUMENTS) expect(formals?.stdout).toContain(`"${field.name}"`);
  }, 300_000);
});
