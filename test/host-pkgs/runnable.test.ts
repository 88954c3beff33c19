/**
 * nix/host-pkgs.nix offers only packages whose images run: every package's closure is
 * self-contained (no link out of the store, every ELF's loader in the store), and an image made
 * of host programs (jq, coreutils) runs under `nix2aci run` with nothing of the host's /usr.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nixBuild, nixEnv, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";

const offered = ["busybox", "pkgsStatic.busybox", "glibc", "libgreeting", "hello", "coreutils", "findutils", "gnutar", "gzip", "pigz", "bzip2", "xz", "jq", "patchelf"];
const hostPkgs = `import ${join(repoRoot, "nix/host-pkgs.nix")} { }`;
const work = mkdtempSync(join(tmpdir(), "nix2aci-host-pkgs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Links whose target leaves /nix/store, and programs (ELF files in bin/) whose loader is outside it. */
function hostDependencies(paths: readonly string[]): string[] {
  requireTool("patchelf", "patchelf");
  const script = String.raw`
    for root in "$@"; do
      find "$root" -type l | while read -r link; do
        case $(readlink -f "$link") in /nix/store/*) ;; *) echo "link $link -> $(readlink "$link")" ;; esac
      done
      find "$root" -type f -perm -u+x -path '*bin/*' | while read -r file; do
        [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
        interpreter=$(patchelf --print-interpreter "$file" 2>/dev/null) || continue
        case $interpreter in /nix/store/*) ;; *) echo "loader of $file is $interpreter" ;; esac
      done
    done`;
  return execFileSync("bash", ["-c", script, "bash", ...paths], { encoding: "utf8" }).split("\n").filter((line) => line !== "");
}

describe("nix/host-pkgs.nix", () => {
  it("offers packages whose closures need nothing of the host", async () => {
    const outs = await nixBuild(["-E", `let p = ${hostPkgs}; in [ ${offered.map((a) => `p.${a}`).join(" ")} ]`]);
    expect(outs).toHaveLength(offered.length);
    const closure = execFileSync("nix-store", ["-qR", ...outs], { encoding: "utf8", env: nixEnv }).split("\n").filter((l) => l !== "");
    expect(hostDependencies(closure)).toEqual([]);
    // The check is real: a link to the host's jq is found.
    const hostLink = join(work, "host-link");
    execFileSync("ln", ["-s", "/usr/bin/jq", hostLink]);
    expect(hostDependencies([hostLink])).toEqual([`link ${hostLink} -> /usr/bin/jq`]);
  });

  it("gives images of host programs that run: jq and coreutils in a fat image", async () => {
    const expr = `let pkgs = ${hostPkgs}; in (import ${join(repoRoot, "nix")} { inherit pkgs; }).mkACI {
      name = "nix2aci.test/jq"; packages = [ pkgs.jq pkgs.coreutils ]; exec = [ "/bin/jq" "-n" "[1, 2] | add" ]; }`;
    const [out] = await nixBuild(["-E", expr]);
    const aci = readdirSync(out ?? "").find((f) => f.endsWith(".aci")) ?? "";
    const env = { ...process.env, NIX2ACI_CACHE_DIR: join(work, "cache"), NIX2ACI_TRUST_DIR: join(work, "trust") };
    const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, "bin/nix2aci.js"), "run", "--insecure-options=image", join(out ?? "", aci), ...args], { encoding: "utf8", env });
    const jq = run();
    expect(jq.stderr).not.toMatch(/No such file|not found/);
    expect(jq.stdout.trim()).toBe("3");
    expect(jq.status).toBe(0);
    const ls = run("--exec", "/bin/ls", "--", "/bin");
    expect(ls.stdout.split("\n")).toEqual(expect.arrayContaining(["jq", "ls", "sha512sum"]));
    expect(ls.status).toBe(0);
  });
});
