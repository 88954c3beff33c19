/**
 * The real thing: mkACI builds a tiny image with nix-build (host-pkgs), and the build result's own
 * postprocess.sh links and signs it, reached through a `result` symlink like a user would.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyImage } from "../../lib/sign/verify.js";
import { nixBuild, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { runProgram } from "./support/run.js";
import { gpgvAccepts, removeTempDirs, tempDir } from "./support/tree.js";

const NAME = "nix2aci.test/signme";

function mkACIExpression(extra: string): string {
  return `let pkgs = import ./nix/host-pkgs.nix {}; in (import ./nix { inherit pkgs; }).mkACI {
    name = "${NAME}"; packages = [ pkgs.busybox ]; exec = [ "/bin/busybox" "true" ]; ${extra}
  }`;
}

let gnupg: TestGnupg;
let key: TestKey;

beforeAll(() => {
  requireTool("actool", "appc-spec");
  gnupg = createTestGnupg();
  key = gnupg.addKey("nixsigner", "rsa3072");
});

afterAll(() => {
  gnupg?.dispose();
  removeTempDirs();
});

describe("postprocess.sh of a nix-built mkACI result", () => {
  for (const variant of [{ label: "fat", extra: "" }, { label: "thin", extra: "thin = true;" }]) {
    it(`signs the ${variant.label} image it was built with`, async () => {
      const [out] = await nixBuild(["-E", mkACIExpression(variant.extra)]);
      expect(out).toBeDefined();
      const store = out as string;
      // mkACI copies the script verbatim.
      expect(readFileSync(join(store, "postprocess.sh"), "utf8")).toBe(readFileSync(join(repoRoot, "nix", "postprocess.sh"), "utf8"));
      const images = readdirSync(store).filter((name) => name.endsWith(".aci"));
      expect(images).toHaveLength(1);
      const file = images[0] as string;
      expect(file).toMatch(/^signme-.*-linux-amd64\.aci$/);
      execFileSync("actool", ["validate", join(store, file)], { stdio: "pipe" });

      const cwd = tempDir(`nix-${variant.label}`);
      symlinkSync(store, join(cwd, "result"));
      const run = await runProgram("./result/postprocess.sh", [], { cwd, env: { ...gnupg.env, NIX2ACI_SIGNING_KEY: key.email } });
      expect(run.code, run.stderr).toBe(0);
      const outdir = join(cwd, "ACIs");
      expect(realpathSync(join(outdir, file))).toBe(join(realpathSync(store), file));
      expect(gpgvAccepts(join(outdir, `${file}.asc`), join(outdir, file), [key.armoredPublicKey], gnupg.env)).toBe(true);
      const signer = await verifyImage(join(outdir, file), join(outdir, `${file}.asc`), [key.armoredPublicKey]);
      expect(signer.fingerprint).toBe(key.fingerprint);
      expect(run.stdout).toContain(`rkt trust --prefix=${NAME} ACIs/pubkey-${key.fingerprint}.asc`);

      // With `result` gone, the ACIs/ link alone keeps the image from the garbage collector.
      rmSync(join(cwd, "result"));
      expect(execFileSync("nix-store", ["--query", "--roots", store], { encoding: "utf8" })).toContain(join(outdir, file));
      const deleted = spawnSync("nix-store", ["--delete", store], { encoding: "utf8" });
      expect(deleted.status).not.toBe(0);
      expect(deleted.stderr).toMatch(/still alive/);

      const mounts = file.replace(/\.aci$/, ".mounts");
      expect(existsSync(join(store, mounts))).toBe(variant.label === "thin");
      if (variant.label === "thin") expect(realpathSync(join(outdir, mounts))).toBe(join(realpathSync(store), mounts));
    });
  }
});
