/**
 * mkACI's argument checks and defaults at evaluation time (nix-instantiate only, no builds):
 * bad input throws "nix2aci mkACI: <argument>: <rule>", good input becomes the manifest.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
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

describe("mkACI argument errors name the argument", () => {
  it.each([
    ["removeAttrs ok [ \"name\" ]", "nix2aci mkACI: name: is required"],
    ["ok // { exec = \"/bin/sh\"; }", "nix2aci mkACI: exec: must be a list, not the string \"/bin/sh\""],
    ["ok // { exec = [ ]; }", "nix2aci mkACI: exec: must be a non-empty list"],
    ["ok // { exec = [ \"/bin/sh\" 1 ]; }", "nix2aci mkACI: exec[1]: must be a string, not an integer"],
    ["removeAttrs ok [ \"packages\" ]", "nix2aci mkACI: packages: is required"],
    ["ok // { packages = [ \"busybox\" ]; }", "nix2aci mkACI: packages[0]: must be a derivation"],
    ["ok // { name = \"Nix2ACI/Busybox\"; }", "nix2aci mkACI: name: \"Nix2ACI/Busybox\" is not an AC identifier"],
    ["ok // { exce = [ ]; }", "nix2aci mkACI: exce: unknown argument"],
    ["ok // { version = \"1.0/2\"; }", "nix2aci mkACI: version: \"1.0/2\" is not a usable version"],
    ["ok // { labels.version = \"2\"; }", "nix2aci mkACI: labels.version: label 'version' is reserved"],
    ["ok // { labels.name = \"x\"; }", "nix2aci mkACI: labels.name: label 'name' is reserved"],
    ["ok // { compression = \"zstd\"; }", "nix2aci mkACI: compression: must be one of \"none\", \"gzip\", \"bzip2\", \"xz\""],
    ["ok // { thin = \"yes\"; }", "nix2aci mkACI: thin: must be true or false"],
    ["ok // { ports = [ { name = \"http\"; protocol = \"tcp\"; port = 70000; } ]; }", "nix2aci mkACI: ports[0].port: must be an integer from 1 to 65535"],
    ["ok // { ports = [ { name = \"Http\"; protocol = \"tcp\"; port = 80; } ]; }", "nix2aci mkACI: ports[0].name: \"Http\" is not an AC name"],
    ["ok // { ports = [ { name = \"http\"; port = 80; } ]; }", "nix2aci mkACI: ports[0].protocol: is required"],
    ["ok // { mountPoints = [ { name = \"d\"; path = \"/d\"; readonly = true; } ]; }", "nix2aci mkACI: mountPoints[0]: unknown field 'readonly'"],
    ["ok // { mountPoints = [ { name = \"d\"; path = \"d\"; } ]; }", "nix2aci mkACI: mountPoints[0].path: \"d\" must be an absolute path"],
    ["ok // { environment.\"1X\" = \"v\"; }", "nix2aci mkACI: environment.1X: \"1X\" is not an environment variable name"],
    ["ok // { environment.X = 1; }", "nix2aci mkACI: environment.X: must be a string, not an integer"],
    ["ok // { eventHandlers = [ { name = \"on-start\"; exec = [ \"/x\" ]; } ]; }", "nix2aci mkACI: eventHandlers[0].name: must be one of \"pre-start\", \"post-stop\""],
    ["ok // { isolators = [ { name = \"resource/cpu\"; value = pkgs.busybox; } ]; }", "nix2aci mkACI: isolators[0].value: must be a JSON value, not a derivation"],
    ["ok // { etc.users = [ { name = \"a:b\"; uid = 1; gid = 1; } ]; }", "nix2aci mkACI: etc.users[0].name: \"a:b\" is not a user or group name"],
    ["ok // { etc.users = [ { name = \"a\"; uid = -1; gid = 1; } ]; }", "nix2aci mkACI: etc.users[0].uid: must be an integer from 0"],
    ["ok // { etc.hostz = \"\"; }", "nix2aci mkACI: etc: unknown field 'hostz'"],
    ["ok // { workingDirectory = \"srv\"; }", "nix2aci mkACI: workingDirectory: \"srv\" must be an absolute path"],
    ["ok // { supplementaryGIDs = [ \"100\" ]; }", "nix2aci mkACI: supplementaryGIDs[0]: must be an integer"],
    ["ok // { dependencies = [ { imageName = \"a\"; imageID = \"sha256-00\"; } ]; }", "nix2aci mkACI: dependencies[0].imageID: \"sha256-00\" is not an image ID"],
    ["ok // { ports = [ { name = \"a\"; protocol = \"tcp\"; port = 1; } { name = \"a\"; protocol = \"udp\"; port = 2; } ]; }", "nix2aci mkACI: ports: name \"a\" appears more than once"],
    ["ok // { extraCommands = [ \"ls\" ]; }", "nix2aci mkACI: extraCommands: must be a string"],
    ["\"busybox\"", "nix2aci mkACI: arguments: mkACI takes an attribute set"],
  ])("%s", (args, message) => {
    expect(evalError(args)).toContain(message);
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
