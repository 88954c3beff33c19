/**
 * mkOCI at evaluation time (nix-instantiate only, no builds): it takes mkACI's arguments (checked
 * by the same code: mkACI's messages), refuses what has no OCI form with one line naming the
 * argument, and maps os/arch and user/group as docs/oci.md says.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { nixEnv, nixEvalJson, repoRoot, requireNix } from "../support/nix.js";

const prelude = `let pkgs = import ./nix/host-pkgs.nix {}; inherit (import ./nix { inherit pkgs; }) mkACI mkOCI;
  ok = { name = "nix2aci.test/args"; packages = [ pkgs.busybox ]; exec = [ "/bin/busybox" ]; }; in`;

/** Evaluates `(BUILDER ARGS).drvPath`; returns the error text (throws if evaluation succeeded). */
function evalError(builder: "mkACI" | "mkOCI", args: string): string {
  requireNix();
  const result = spawnSync("nix-instantiate", ["--eval", "--strict", "-E", `${prelude} (${builder} (${args})).drvPath`], {
    encoding: "utf8",
    env: nixEnv,
    cwd: repoRoot,
  });
  if (result.status === 0) throw new Error(`evaluation of ${args} succeeded: ${result.stdout}`);
  return result.stderr;
}

const passthru = (args: string, attr: string): unknown => nixEvalJson(`${prelude} (mkOCI (${args})).${attr}`);

describe("mkOCI refuses what an OCI image cannot be", () => {
  it.each([
    ["ok // { thin = true; }", "nix2aci mkOCI: thin: an OCI image cannot be thin"],
    ["ok // { compression = \"xz\"; }", "nix2aci mkOCI: compression: OCI layers are tar or tar+gzip here, not 'xz'"],
    ["ok // { compression = \"bzip2\"; }", "nix2aci mkOCI: compression: OCI layers are tar or tar+gzip here, not 'bzip2'"],
    ["ok // { labels.tier = \"a\"; userLabels.tier = \"b\"; }", "nix2aci mkOCI: userLabels.tier: is also in labels"],
  ])("%s", (args, message) => {
    const error = evalError("mkOCI", args);
    expect(error).toContain(message);
    // One line, no Nix stack trace needed to understand it.
    expect(error.split("\n").filter((line) => line.includes("nix2aci mkOCI")).length).toBe(1);
  });

  it.each([
    "ok // { exce = [ ]; }",
    "ok // { maxLayers = 1; }",
    "ok // { maxLayers = 126; }",
    "ok // { maxLayers = \"3\"; }",
    "ok // { user = \"nobody\"; }",
    "ok // { group = \"wheel\"; }",
    "ok // { arch = \"mips\"; }",
    "ok // { ports = [ { name = \"HTTP\"; protocol = \"tcp\"; port = 80; } ]; }",
  ])("checks %s with mkACI's own rules (the same messages)", (args) => {
    const messages = (builder: "mkACI" | "mkOCI"): string[] =>
      evalError(builder, args)
        .split("\n")
        .filter((line) => line.includes(`nix2aci ${builder}: `))
        .map((line) => line.replace(/^.*nix2aci \w+: /, ""));
    const fromOci = messages("mkOCI");
    expect(fromOci.length).toBeGreaterThan(0);
    expect(fromOci).toEqual(messages("mkACI"));
  });
});

describe("mkOCI maps platform and principals", () => {
  it.each([
    ["linux", "amd64", { os: "linux", architecture: "amd64" }],
    ["linux", "aarch64", { os: "linux", architecture: "arm64" }],
    ["linux", "armv7l", { os: "linux", architecture: "arm", variant: "v7" }],
    ["linux", "armv6l", { os: "linux", architecture: "arm", variant: "v6" }],
    ["linux", "i386", { os: "linux", architecture: "386" }],
    ["freebsd", "amd64", { os: "freebsd", architecture: "amd64" }],
    ["darwin", "x86_64", { os: "darwin", architecture: "amd64" }],
  ])("appc %s/%s", (os, arch, expected) => {
    const config = passthru(`ok // { os = "${os}"; arch = "${arch}"; }`, "config") as Record<string, unknown>;
    expect({ os: config["os"], architecture: config["architecture"], variant: config["variant"] }).toEqual({
      variant: undefined,
      ...expected,
    });
  });

  it("every os/arch pair the argument table accepts has an OCI platform", () => {
    const platforms = nixEvalJson(`${prelude} let pairs = (import ./nix/lib/arguments.nix).osArch; in
      builtins.concatMap (os: map (arch: (mkOCI (ok // { inherit os arch; })).config.architecture) pairs.\${os}) (builtins.attrNames pairs)`) as string[];
    expect(platforms.length).toBeGreaterThan(10);
    for (const architecture of platforms) expect(architecture).toMatch(/^(amd64|386|arm|arm64|arm64be|armbe|ppc64|ppc64le|s390x)$/);
  });

  it("the host system gives the platform when os/arch are not given", () => {
    const config = passthru("ok", "config") as Record<string, unknown>;
    const system = nixEvalJson("builtins.currentSystem") as string;
    expect(`${String(config["architecture"])}-${String(config["os"])}`).toBe(
      { "x86_64-linux": "amd64-linux", "aarch64-linux": "arm64-linux" }[system],
    );
  });

  it("user and group names become the numbers of the generated /etc/passwd and /etc/group", () => {
    const etc = `etc = { users = [ { name = "app"; uid = 1001; gid = 7; } ]; groups = [ { name = "svc"; gid = 42; } ]; }`;
    const user = (u: string, g: string): unknown =>
      (passthru(`ok // { user = "${u}"; group = "${g}"; ${etc}; }`, "config.config.User") as string);
    expect(user("app", "svc")).toBe("1001:42");
    expect(user("root", "root")).toBe("0:0");
    expect(user("123", "456")).toBe("123:456");
    expect(passthru("ok", "config.config.User")).toBe("0:0");
  });

  it("the reference name is the AC name and version as a Docker reference", () => {
    expect(passthru(`ok // { version = "1.2"; }`, "refName")).toBe("nix2aci.test/args:1.2");
    expect(passthru(`ok // { name = "args"; version = "1.2+b~3"; }`, "refName")).toBe("localhost/args:1.2-b-3");
    expect(passthru(`ok // { name = "a.b/c~d/e_f"; version = "1"; }`, "refName")).toBe("a.b/c-d/e_f:1");
    expect(passthru(`ok // { name = "example/x"; version = "1"; }`, "refName")).toBe("localhost/example/x:1");
  });
});

describe("entry points", () => {
  it("the flake's lib.mkOCI is nix/default.nix's mkOCI", () => {
    const viaFlake = `let flake = import ./flake.nix;
      outputs = flake.outputs { self = outputs; nixpkgs.legacyPackages.\${builtins.currentSystem} = pkgs; };
      in (outputs.lib.mkOCI pkgs ok)`;
    expect(nixEvalJson(`${prelude} ${viaFlake}.drvPath`)).toBe(nixEvalJson(`${prelude} (mkOCI ok).drvPath`));
  });
});
