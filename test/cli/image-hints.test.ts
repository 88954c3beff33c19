/**
 * The first mistakes with images get one line that says what to do: verifying an image nobody
 * signed yet, inspecting an OCI image (archive or layout) as if it were an ACI.
 */
import { copyFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixBuild } from "../support/nix.js";
import { buildTestAci } from "../sign/support/image.js";
import { removeTempDirs, tempDir } from "../sign/support/tree.js";
import { runNix2aci } from "./support.js";

let dir: string;
let ociResult: string;

beforeAll(async () => {
  dir = tempDir("image-hints");
  writeFileSync(path.join(dir, "unsigned-1.0-linux-amd64.aci"), buildTestAci({ name: "nix2aci.test/unsigned" }));
  [ociResult = ""] = await nixBuild(["examples/generated", "-A", "busyboxOci", "--arg", "pkgs", "import ./nix/host-pkgs.nix {}"]);
}, 600_000);
afterAll(() => removeTempDirs());

describe("nix2aci verify on an image without a signature", () => {
  it("says there is none and how to make one, in one line, exit 1", async () => {
    const run = await runNix2aci(["verify", path.join(dir, "unsigned-1.0-linux-amd64.aci")], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`nix2aci verify: no signature '${path.join(dir, "unsigned-1.0-linux-amd64.aci.asc")}' next to the image (sign it with ./result/postprocess.sh)\n`);
  });

  it("names a missing --signature file, and --json still prints the outcome", async () => {
    const image = path.join(dir, "unsigned-1.0-linux-amd64.aci");
    const run = await runNix2aci(["verify", image, "--signature", path.join(dir, "nope.asc"), "--json"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`nix2aci verify: no signature '${path.join(dir, "nope.asc")}'\n`);
    expect(JSON.parse(run.stdout)).toMatchObject({ image, good: false, reason: "unreadable-signature" });
  });
});

describe("nix2aci inspect on an OCI image", () => {
  it("names it as OCI and gives the skopeo command, for the archive and for the layout folder", async () => {
    const files = readdirSync(ociResult);
    const archive = files.find((file) => file.endsWith(".oci.tar"));
    const layout = files.find((file) => file.endsWith(".oci"));
    expect(archive).toBeDefined();
    expect(layout).toBeDefined();
    for (const [image, transport] of [[path.join(ociResult, archive as string), "oci-archive"], [path.join(ociResult, layout as string), "oci"]] as const) {
      const run = await runNix2aci(["inspect", image], dir);
      expect(run.code, image).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`nix2aci inspect: '${image}' is an OCI image, not an ACI: inspect it with 'skopeo inspect ${transport}:${image}'\n`);
    }
  });

  it("an archive copied under another name is recognised too", async () => {
    const renamed = path.join(dir, "image.tar");
    copyFileSync(path.join(ociResult, readdirSync(ociResult).find((file) => file.endsWith(".oci.tar")) as string), renamed);
    const run = await runNix2aci(["inspect", renamed], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`nix2aci inspect: '${renamed}' is an OCI image, not an ACI: inspect it with 'skopeo inspect oci-archive:${renamed}'\n`);
  });
});
