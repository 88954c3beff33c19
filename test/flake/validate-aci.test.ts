/**
 * scripts/validate-aci.sh, the validator the flake's checks run, must reject what it claims to
 * reject: each case below takes a real example image (fat httpd, thin busybox, built with
 * host-pkgs), breaks one thing with GNU tar or jq, and expects the matching message.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixBuild, nixEvalJson, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { tempDir } from "./support.js";

const validator = path.join(repoRoot, "scripts/validate-aci.sh");

interface Example {
  readonly image: string;
  readonly mounts: string | undefined;
  readonly expected: Record<string, unknown>;
}

let work: string;
let fat: Example;
let thin: Example;

async function example(attr: string): Promise<Example> {
  const pkgs = `import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }`;
  const [out] = (await nixBuild([path.join(repoRoot, "examples/generated"), "--arg", "pkgs", pkgs, "-A", attr])) as [string];
  const files = readdirSync(out);
  const image = files.find((file) => file.endsWith(".aci"));
  const mounts = files.find((file) => file.endsWith(".mounts"));
  if (image === undefined) throw new Error(`${out} has no .aci`);
  // A thin image's manifest names its closure, read at evaluation time (import from derivation).
  const expected = nixEvalJson(`(import ./examples/generated { pkgs = ${pkgs}; }).${attr}.manifest`, ["--read-write-mode"]) as Record<string, unknown>;
  return { image: path.join(out, image), mounts: mounts === undefined ? undefined : path.join(out, mounts), expected };
}

let counter = 0;

/** Runs the validator; returns its exit code and stderr. */
function validate(image: string, expected: unknown, mounts?: string): { code: number | null; stderr: string } {
  const expectedFile = path.join(work, `expected-${counter++}.json`);
  writeFileSync(expectedFile, JSON.stringify(expected));
  const run = spawnSync("bash", [validator, image, expectedFile, ...(mounts === undefined ? [] : [mounts])], { encoding: "utf8" });
  return { code: run.status, stderr: run.stderr };
}

interface Repack {
  /** Members in archive order (default: manifest, rootfs). */
  readonly order?: readonly string[];
  readonly owner?: number;
  /** Changes the extracted tree (manifest, rootfs, extra files) before packing. */
  readonly edit?: (dir: string) => void;
}

/** Extracts `image`, applies `edit`, packs it again (gzip, owner 0 unless told otherwise). */
function repack(image: string, { order = ["manifest", "rootfs"], owner = 0, edit }: Repack): string {
  const dir = path.join(work, `tree-${counter++}`);
  mkdirSync(dir);
  execFileSync("tar", ["-xf", image, "-C", dir]);
  edit?.(dir);
  const out = path.join(work, `image-${counter++}.aci`);
  execFileSync("tar", ["-czf", out, "-C", dir, `--owner=${owner}`, `--group=0`, "--numeric-owner", "--no-recursion", ...membersInOrder(dir, order)]);
  return out;
}

/** Top-level names in `order`, each followed by everything under it (sorted). */
function membersInOrder(dir: string, order: readonly string[]): string[] {
  const listed = execFileSync("find", [...order], { cwd: dir, encoding: "utf8" }).split("\n").filter((line) => line.length > 0);
  return order.flatMap((top) => listed.filter((name) => name === top || name.startsWith(`${top}/`)).sort());
}

function editManifest(change: (manifest: Record<string, unknown>) => void): (dir: string) => void {
  return (dir) => {
    const file = path.join(dir, "manifest");
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    change(manifest);
    execFileSync("chmod", ["u+w", file]);
    writeFileSync(file, JSON.stringify(manifest));
  };
}

const app = (manifest: Record<string, unknown>) => manifest["app"] as { exec: string[]; mountPoints?: unknown[] };

beforeAll(async () => {
  requireTool("jq", "jq");
  work = tempDir("validate");
  [fat, thin] = await Promise.all([example("httpd"), example("busyboxThin")]);
}, 120_000);

describe("scripts/validate-aci.sh", () => {
  it("accepts the example images as built, and repacked unchanged", () => {
    expect(validate(fat.image, fat.expected)).toMatchObject({ code: 0 });
    expect(validate(thin.image, thin.expected, thin.mounts)).toMatchObject({ code: 0 });
    expect(validate(repack(fat.image, {}), fat.expected)).toMatchObject({ code: 0 });
  });

  it("rejects a tar whose layout is wrong", () => {
    expect(validate(repack(fat.image, { order: ["rootfs", "manifest"] }), fat.expected).stderr).toContain("the first member is 'rootfs/', not 'manifest'");
    const extra = repack(fat.image, { order: ["manifest", "rootfs", "extra"], edit: (dir) => writeFileSync(path.join(dir, "extra"), "x") });
    expect(validate(extra, fat.expected).stderr).toContain("member 'extra' is neither 'manifest' nor under 'rootfs/'");
    expect(validate(repack(fat.image, { owner: 1000 }), fat.expected).stderr).toContain("not all owned by 0/0");
    const lzma = path.join(work, "image.lzma.aci");
    execFileSync("sh", ["-c", 'gzip -dc "$1" | xz --format=lzma -c >"$2"', "sh", fat.image, lzma]);
    expect(validate(lzma, fat.expected).stderr).toContain("neither an uncompressed tar nor gzip, bzip2 or xz");
    const plain = path.join(work, "image.tar.aci");
    execFileSync("sh", ["-c", 'gzip -dc "$1" >"$2"', "sh", repack(fat.image, {}), plain]);
    expect(validate(plain, fat.expected)).toMatchObject({ code: 0 });
    const notTar = path.join(work, "not-a-tar.aci");
    writeFileSync(notTar, "manifest\n");
    expect(validate(notTar, fat.expected).stderr).toContain("neither an uncompressed tar nor gzip, bzip2 or xz");
    const gzippedText = path.join(work, "gzipped-text.aci");
    execFileSync("sh", ["-c", 'yes manifest | head -c 4096 | gzip -n >"$1"', "sh", gzippedText]);
    expect(validate(gzippedText, fat.expected).stderr).toContain("not a (compressed) tar archive");
    const empty = path.join(work, "empty.aci");
    execFileSync("sh", ["-c", 'head -c 10240 /dev/zero | gzip -n >"$1"', "sh", empty]);
    expect(validate(empty, fat.expected).stderr).toContain("the archive has no members");
  });

  it("rejects a manifest that is not the derivation's, however it differs (mkACI checked the derivation's)", () => {
    const cases: [string, (manifest: Record<string, unknown>) => void][] = [
      ['acKind is "PodManifest"', (m) => void (m["acKind"] = "PodManifest")],
      ['acVersion "0.8" is not a semantic version', (m) => void (m["acVersion"] = "0.8")],
      ['name "Example.com/Httpd" is not an AC identifier', (m) => void (m["name"] = "Example.com/Httpd")],
      ["labels need exactly one os and one arch", (m) => void (m["labels"] = (m["labels"] as { name: string }[]).filter((l) => l.name !== "arch"))],
      ['arch "x86_64" is not an appc linux arch', (m) => void (m["labels"] = (m["labels"] as { name: string }[]).map((l) => (l.name === "arch" ? { name: "arch", value: "x86_64" } : l)))],
      ["app.exec is not a non-empty list", (m) => void (app(m).exec = [])],
      ['app.exec[0] "busybox" is not an absolute path', (m) => void (app(m).exec = ["busybox"])],
    ];
    for (const [message, change] of cases) {
      const broken = repack(fat.image, { edit: editManifest(change) });
      expect(validate(broken, fat.expected).stderr, message).toContain("the manifest differs from the expected one");
    }
  });

  it("rejects a manifest that is not the derivation's, and an exec that is not in the image", () => {
    expect(validate(fat.image, { ...fat.expected, name: "nix2aci.example/other" }).stderr).toContain("the manifest differs from the expected one");
    const missing = (m: Record<string, unknown>) => void (app(m).exec = ["/bin/not-there"]);
    const withMissingExec = repack(fat.image, { edit: editManifest(missing) });
    const expected = structuredClone(fat.expected);
    missing(expected);
    expect(validate(withMissingExec, expected).stderr).toContain("app.exec[0] '/bin/not-there' is not an executable file inside the image");
  });

  it("thin images: the .mounts file and the store mountPoints must match", () => {
    expect(validate(thin.image, thin.expected).stderr, "without the mounts file").toContain("a thin image (store mount points in its manifest): give its .mounts file");
    const mounts = readFileSync(thin.mounts as string, "utf8");
    const wrongSource = path.join(work, "wrong.mounts");
    writeFileSync(wrongSource, mounts.replace(/source=\/nix\/store\/[a-z0-9]{32}-/, "source=/nix/store/00000000000000000000000000000000-"));
    expect(validate(thin.image, thin.expected, wrongSource).stderr).toMatch(/no empty folder rootfs\/nix\/store\/0{32}-/);
    const malformed = path.join(work, "malformed.mounts");
    writeFileSync(malformed, mounts.replace("readOnly=true", "readOnly=false"));
    expect(validate(thin.image, thin.expected, malformed).stderr).toContain("malformed line");
    const empty = path.join(work, "empty.mounts");
    writeFileSync(empty, "");
    expect(validate(thin.image, thin.expected, empty).stderr).toContain("lists no volume");
    // Store content inside a thin image's mount folder.
    const filled = repack(thin.image, {
      edit: (dir) => {
        const store = path.join(dir, "rootfs/nix/store");
        const [folder] = readdirSync(store) as [string];
        execFileSync("chmod", ["u+w", path.join(store, folder)]);
        writeFileSync(path.join(store, folder, "smuggled"), "x");
      },
    });
    expect(validate(filled, thin.expected, thin.mounts).stderr).toContain("is not empty");
    // A store mountPoint that the .mounts file does not list.
    const unlisted = repack(thin.image, { edit: editManifest((m) => void app(m).mountPoints?.push({ name: "nix-store-extra", path: "/nix/store/extra", readOnly: true })) });
    expect(validate(unlisted, thin.expected, thin.mounts).stderr).toContain("the manifest differs from the expected one");
  });
});
