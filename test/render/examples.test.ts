/**
 * The committed examples: examples/generated/ is exactly what nix2aci-gen makes of
 * examples/pkgs/ today, and every attribute of it parses, evaluates, builds with
 * nix/host-pkgs.nix and passes `actool validate`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { openSync, readdirSync, readSync, closeSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { nixBuild, repoRoot } from "../support/nix.js";
import { runGen } from "../cli/support.js";
import { evalAttr, evalExpr, hostPkgsArg, listFiles, nixParse, readTree, tempDir } from "./support.js";

const generated = path.join(repoRoot, "examples/generated");
const defaultNix = path.join(generated, "default.nix");

interface Manifest {
  name: string;
  labels: { name: string; value: string }[];
  app: {
    exec: string[];
    user: string;
    group: string;
    ports?: { name: string; port: number }[];
    mountPoints?: { name: string; path: string; readOnly?: boolean }[];
    isolators?: { name: string; value: unknown }[];
    environment?: { name: string; value: string }[];
  };
}

const attributes = ["toolbox", "toolboxXz", "busybox", "busyboxThin", "busyboxStatic", "httpd"];
/** The examples' OCI images (`format: "oci"`): built and checked by test/oci. */
const ociAttributes = ["toolboxOci", "busyboxOci", "httpdOci"];

describe("examples/generated", () => {
  it("is up to date: regenerating examples/pkgs gives the same bytes, file for file", async () => {
    // Same depth below a folder holding nix/, so the relative path to nix2aci's nix/ is the same.
    const scratch = tempDir("examples");
    const out = path.join(scratch, "examples/generated");
    const run = await runGen(["--out-dir", out, "--nix-dir", path.join(scratch, "nix"), "examples/pkgs"]);
    expect(run.code, run.stderr).toBe(0);
    const fresh = readTree(out);
    const committed = readTree(generated);
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [file, text] of fresh) expect(committed.get(file), `examples/generated/${file} is stale: run nix2aci-gen --out-dir examples/generated examples/pkgs`).toBe(text);
  });

  it("every file parses", () => {
    for (const file of listFiles(generated)) nixParse(path.join(generated, file));
  });

  it("every spec file builds on its own (defaults for pkgs and mkACI) and through callPackage", async () => {
    const files = listFiles(generated).filter((file) => file !== "default.nix");
    expect(files).toEqual(["generic/toolbox.nix", "linux/busybox.nix", "services/httpd.nix"]);
    // mkACI comes from the file's own default (nix2aci's nix/ as seen from the file).
    const outs = await nixBuild([...files.map((file) => path.join(generated, file)), ...hostPkgsArg]);
    expect(outs).toHaveLength(files.length);
    // nixpkgs' callPackage: arguments the package set has are passed (pkgs itself among them).
    const callPackage = `let pkgs = import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }; callPackage = file: args:
      let f = import file; in f (builtins.intersectAttrs (builtins.functionArgs f) (pkgs // { inherit pkgs; }) // args); in`;
    const names = evalExpr(`${callPackage} map (file: (callPackage file { }).manifest.name) [ ${files.map((file) => path.join(generated, file)).join(" ")} ]`);
    expect(names).toEqual(["nix2aci.example/toolbox", "nix2aci.example/busybox", "nix2aci.example/httpd"]);
    expect(evalExpr(`${callPackage} (callPackage ${path.join(generated, "linux/busybox.nix")} { static = true; overrides.compression = "xz"; }).imageFileName`)).toBe(
      "busybox-1.35.0-linux-amd64.aci",
    );
  });

  it("has one attribute per spec and per variant", () => {
    const names = evalAttr(path.join(repoRoot, "test/render/attr-names.nix"), "names") as string[];
    expect(names).toEqual([...attributes, ...ociAttributes].sort());
  });
});

describe("each example evaluates, builds, and passes actool validate", () => {
  const manifests = new Map<string, Manifest>();
  const outputs = new Map<string, string>();

  beforeAll(async () => {
    for (const attr of attributes) manifests.set(attr, evalAttr(defaultNix, `${attr}.manifest`) as Manifest);
    // One nix-build for all: each image is built once.
    const paths = await nixBuild([defaultNix, ...hostPkgsArg, ...attributes.flatMap((attr) => ["-A", attr])]);
    expect(paths).toHaveLength(attributes.length);
    attributes.forEach((attr, i) => outputs.set(attr, paths[i] as string));
  });

  function imageOf(attr: string): string {
    const dir = outputs.get(attr) as string;
    const images = readdirSync(dir).filter((file) => file.endsWith(".aci"));
    expect(images).toHaveLength(1);
    return path.join(dir, images[0] as string);
  }

  function magic(file: string): Buffer {
    const fd = openSync(file, "r");
    const bytes = Buffer.alloc(6);
    readSync(fd, bytes, 0, 6, 0);
    closeSync(fd);
    return bytes;
  }

  it.each(attributes)("%s passes actool validate", (attr) => {
    const actool = requireTool("actool", "appc-spec");
    execFileSync(actool, ["validate", imageOf(attr)], { stdio: ["ignore", "pipe", "pipe"] });
  });

  it("no two attributes make the same image file; a variant is named and labelled after itself", () => {
    const files = attributes.map((attr) => path.basename(imageOf(attr)));
    expect(new Set(files).size).toBe(files.length);
    expect(files).toEqual([
      "toolbox-1.0.0-linux-amd64.aci",
      "toolboxXz-1.0.0-linux-amd64.aci",
      "busybox-1.35.0-linux-amd64.aci",
      "busyboxThin-1.35.0-linux-amd64.aci",
      "busyboxStatic-1.35.0-linux-amd64.aci",
      "httpd-1.35.0-linux-amd64.aci",
    ]);
    expect((manifests.get("busyboxThin") as Manifest).labels).toContainEqual({ name: "variant", value: "busyboxThin" });
    expect((manifests.get("busybox") as Manifest).labels.map((l) => l.name)).toEqual(["version", "os", "arch"]);
  });

  it("busybox runs quietly, and arguments after -- reach the shell (nix2aci run IMAGE -- -c 'echo hi')", () => {
    requireTool("bwrap", "bubblewrap");
    const home = tempDir("busybox-run");
    const run = spawnSync(process.execPath, [path.join(repoRoot, "bin/nix2aci.js"), "run", "--insecure-options=image", imageOf("busybox"), "--", "-c", "echo hi"], {
      encoding: "utf8",
      env: { ...process.env, NIX2ACI_CACHE_DIR: path.join(home, "cache"), NIX2ACI_TRUST_DIR: path.join(home, "trust") },
    });
    expect(run.stdout).toBe("hi\n");
    // Only the runner's warning about an unverified image, nothing from busybox.
    expect(run.stderr.split("\n").filter((line) => line !== "" && !line.includes("insecure-options"))).toEqual([]);
    expect(run.status).toBe(0);
  });

  it("busybox: params and variants do what they say", () => {
    const busybox = manifests.get("busybox") as Manifest;
    expect(busybox.name).toBe("nix2aci.example/busybox");
    expect(busybox.app.exec).toEqual(["/bin/sh"]);
    expect(busybox.app.isolators).toEqual([{ name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_ADMIN"] } }]);
    // thin: store paths are mounted, listed in a .mounts file; fat images have none.
    expect(readdirSync(outputs.get("busyboxThin") as string).some((file) => file.endsWith(".mounts"))).toBe(true);
    expect(readdirSync(outputs.get("busybox") as string).some((file) => file.endsWith(".mounts"))).toBe(false);
    // static = true picks another package: another image.
    expect(outputs.get("busyboxStatic")).not.toBe(outputs.get("busybox"));
    expect(evalAttr(path.join(repoRoot, "test/render/attr-names.nix"), "staticPackageName")).toBe("busybox-static");
  });

  it("toolbox: several packages, mounts, and an xz variant (a call of the same file)", () => {
    const toolbox = manifests.get("toolbox") as Manifest;
    expect(toolbox.app.mountPoints).toEqual([
      { name: "data", path: "/data", readOnly: false },
      { name: "config", path: "/etc/toolbox", readOnly: true },
    ]);
    expect(toolbox.labels).toContainEqual({ name: "version", value: "1.0.0" });
    expect(magic(imageOf("toolbox")).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip
    expect(magic(imageOf("toolboxXz"))).toEqual(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])); // xz
    expect(manifests.get("toolboxXz")).toEqual({ ...toolbox, labels: [...toolbox.labels, { name: "variant", value: "toolboxXz" }] });
  });

  it("httpd: a named user, a port, environment, resource isolators", () => {
    const httpd = manifests.get("httpd") as Manifest;
    expect(httpd.app.user).toBe("www");
    expect(httpd.app.group).toBe("www");
    expect(httpd.app.ports).toEqual([{ name: "http", protocol: "tcp", port: 8080, count: 1, socketActivated: false }]);
    expect(httpd.app.environment).toEqual([
      { name: "HOME", value: "/srv/www" },
      { name: "LANG", value: "C.UTF-8" },
    ]);
    expect(httpd.app.isolators?.map((i) => i.name)).toEqual([
      "resource/cpu",
      "resource/memory",
      "os/linux/no-new-privileges",
      "os/linux/capabilities-retain-set",
    ]);
  });
});
