/**
 * lib/nix printer speed: builds a generator-like tree of ~100,000 expression nodes (attribute
 * sets of lists of attribute sets, strings needing escapes, indented scripts, selections, calls),
 * prints it repeatedly and reports the median time and the process's peak memory.
 */
import type { BenchOptions } from "./run.js";
import { attrs, call, type Expr, fromJS, id, indentedStr, int, lambda, list, pattern, print, sel, str } from "../lib/nix/index.js";

/** Number of Expr nodes in a tree (bindings and patterns themselves not counted). */
function countNodes(expr: Expr): number {
  switch (expr.kind) {
    case "string":
      return 1 + expr.parts.reduce((n, p) => n + (typeof p === "string" ? 0 : countNodes(p)), 0);
    case "attrs":
    case "let": {
      const inBindings = expr.bindings.reduce(
        (n, b) => n + (b.kind === "binding" ? countNodes(b.value) : b.from ? countNodes(b.from) : 0),
        0,
      );
      return 1 + inBindings + (expr.kind === "let" ? countNodes(expr.body) : 0);
    }
    case "list":
      return 1 + expr.items.reduce((n, e) => n + countNodes(e), 0);
    case "lambda":
      return 1 + countNodes(expr.body);
    case "call":
      return 1 + countNodes(expr.fn) + expr.args.reduce((n, e) => n + countNodes(e), 0);
    case "select":
      return 1 + countNodes(expr.target) + (expr.or ? countNodes(expr.or) : 0);
    case "binary":
      return 1 + countNodes(expr.left) + countNodes(expr.right);
    case "unary":
      return 1 + countNodes(expr.operand);
    default:
      return 1;
  }
}

/** One image record, about 60 nodes. */
function image(i: number): Expr {
  return call(
    sel(id("pkgs"), "callPackage"),
    lambda(pattern(["mkACI", "pkgs"], { ellipsis: true }), call(id("mkACI"), fromJS({
      name: `example.com/app-${i}`,
      version: `1.${i}.0`,
      packages: [sel(id("pkgs"), `pkg${i % 97}`), sel(id("pkgs"), "busybox")],
      exec: [str`${sel(id("pkgs"), `pkg${i % 97}`)}/bin/app`, "--say", `"quoted" \\ \${not} $${i}`],
      environment: { PATH: "/bin", LANG: "C.UTF-8", ["K " + i]: "v" },
      ports: [{ name: "http", protocol: "tcp", port: 8000 + (i % 1000), count: 1 }],
      mountPoints: [{ name: "data", path: `/var/lib/app-${i}`, readOnly: i % 2 === 0 }],
      extraCommands: indentedStr(`mkdir -p tmp\necho '${i}' > etc/id\n  indented ''line''\n`),
      limits: [int(-i), 1.5, null],
    }))),
    attrs(),
  );
}

function buildTree(targetNodes: number): { tree: Expr; nodes: number } {
  const perImage = countNodes(image(0));
  const tree = attrs(Object.fromEntries(Array.from({ length: Math.ceil(targetNodes / perImage) }, (_, i) => [`app-${i}`, image(i)])));
  return { tree, nodes: countNodes(tree) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export default async function bench(opts: BenchOptions): Promise<string> {
  const target = opts.smoke ? 2_000 : 100_000;
  const runs = opts.smoke ? 3 : 7;
  const buildStart = performance.now();
  const { tree, nodes } = buildTree(target);
  const buildMs = performance.now() - buildStart;
  const times: number[] = [];
  let text = "";
  let heapPeak = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    text = print(tree);
    times.push(performance.now() - start);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const same = print(tree) === text; // determinism, checked on the real size
  const maxRssMiB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  const ms = (v: number): string => v.toFixed(1);
  return [
    "## lib/nix: printing a Nix tree",
    "",
    `Tree: ${nodes.toLocaleString("en")} expression nodes (${buildMs.toFixed(0)} ms to build), printed ${runs} times ` +
      `to ${(text.length / 1024).toFixed(0)} KiB of Nix in ${text.split("\n").length.toLocaleString("en")} lines.`,
    "",
    "| measure | value |",
    "|---|---|",
    `| median print time | ${ms(median(times))} ms |`,
    `| fastest / slowest | ${ms(Math.min(...times))} / ${ms(Math.max(...times))} ms |`,
    `| throughput (median) | ${Math.round(nodes / (median(times) / 1000)).toLocaleString("en")} nodes/s |`,
    `| peak RSS of the process | ${maxRssMiB.toFixed(0)} MiB |`,
    `| JS heap after a print (max) | ${(heapPeak / 2 ** 20).toFixed(0)} MiB |`,
    `| same bytes every run | ${same ? "yes" : "NO"} |`,
    "",
  ].join("\n");
}
