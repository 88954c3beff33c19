/**
 * Generated spec trees for the evaluation and rebuild benchmarks: `count` specs rendered with the
 * library API (renderTree + writeTree from lib/index.ts) into a folder whose default.nix uses the
 * repository's nix/ folder. A `salt` label makes every image new to the store when wanted.
 */
import path from "node:path";
import { attrPath, renderTree, writeTree, type ACISpec, type WriteTreeReport } from "../../lib/index.js";
import { repoRoot } from "./nix.js";

/** The i-th spec: a small service image, every fourth one thin, some with two packages. */
export function benchSpec(i: number, salt: string, extraEnvironment: Readonly<Record<string, string>> = {}): ACISpec {
  const port = 8000 + (i % 1000);
  return {
    name: `bench.example/service-${i}`,
    version: `1.${i}.0`,
    labels: { "bench-salt": salt },
    packages: i % 3 === 0 ? [attrPath("busybox"), attrPath("hello")] : [attrPath("busybox")],
    exec: ["/bin/busybox", "httpd", "-f", "-p", String(port), "-h", "/srv/www"],
    environment: { SERVICE: `service-${i}`, ...extraEnvironment },
    ports: [{ name: "http", protocol: "tcp", port }],
    mountPoints: [{ name: "www", path: "/srv/www", readOnly: true }],
    isolators: [{ name: "resource/memory", value: { limit: "64Mi" } }],
    thin: i % 4 === 3,
  };
}

/** Renders the specs into `dir` (files unchanged since the last write are left alone). */
export function writeSpecTree(dir: string, specs: readonly ACISpec[]): WriteTreeReport {
  const nixDir = path.relative(dir, path.join(repoRoot, "nix")).split(path.sep).join("/");
  const tree = renderTree(specs.map((spec, i) => ({ spec, module: `group-${i % 10}/service-${i}.ts` })), { nixDir });
  return writeTree(dir, tree);
}

/** `--arg pkgs …` for the tree's default.nix: this machine's host package set. */
export function hostPkgsArg(): string[] {
  return ["--arg", "pkgs", `import ${path.join(repoRoot, "nix/host-pkgs.nix")} {}`];
}
