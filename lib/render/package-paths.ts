/**
 * Whether the package set has the attribute paths specs name (`pkgs.x.y`), asked of Nix before
 * anything is generated or built: a missing one is reported at the spec's file and field
 * (`busybox.ts: packages[1]: pkgs.doesnotexist does not exist in the package set`), not at a line
 * of a generated file. For `nix2aci-gen --check` and `nix2aci build`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fromJS, print } from "../nix/index.js";
import { isPlainObject } from "../spec/json.js";
import { isRef, refNode, type PathSegment, type Problem, type Ref } from "../spec/index.js";
import type { TreeSpec } from "./tree.js";

const execFileAsync = promisify(execFile);

export interface PackagePathOptions {
  /** A Nix expression for the package set, e.g. `import <nixpkgs> { }` or `import /abs/nix/host-pkgs.nix { }`. */
  readonly pkgs: string;
  /** Environment for nix-instantiate (e.g. NIX_CONFIG, NIX_PATH); default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The problems of one spec of the list given, in the same order (empty: every path exists). */
export interface PackagePathReport {
  readonly spec: TreeSpec;
  readonly problems: readonly Problem[];
}

/** Where a spec names an attribute path of the package set. */
interface Use {
  readonly path: readonly string[];
  readonly at: readonly PathSegment[];
}

/** Every `pkgs.…` reference in `value` (packages, override bases and arguments, `when` branches). */
function uses(value: unknown, at: readonly PathSegment[], out: Use[]): void {
  if (isRef(value)) {
    const node = refNode(value as Ref);
    if (node.kind === "attrPath") out.push({ path: node.path, at });
    else if (node.kind === "override") {
      uses(node.base, at, out);
      uses(node.args, at, out);
    } else if (node.kind === "when") {
      uses(node.then, at, out);
      uses(node.else, at, out);
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => uses(item, [...at, i], out));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) uses(item, [...at, key], out);
}

/**
 * For each path: `{ ok }`, or how far it got (`at`, the names that exist) and why it stopped:
 * `missing` (no such attribute), `notSet` (what is there has no attributes), `fails` (evaluating
 * it throws, as nixpkgs' removed-package aliases do).
 */
function lookupExpression(pkgs: string, paths: readonly (readonly string[])[]): string {
  return `let
  pkgs = ${pkgs};
  step = acc: name:
    if !acc.ok then acc
    else
      let has = builtins.tryEval (builtins.isAttrs acc.value && builtins.hasAttr name acc.value); in
      if !has.success then acc // { ok = false; why = "fails"; }
      else if !has.value then acc // { ok = false; why = if builtins.isAttrs acc.value then "missing" else "notSet"; }
      else acc // { value = builtins.getAttr name acc.value; at = acc.at ++ [ name ]; };
  check = path:
    let r = builtins.foldl' step { ok = true; value = pkgs; at = [ ]; why = ""; } path; in
    if !r.ok then { inherit (r) ok at why; }
    else if (builtins.tryEval (builtins.seq r.value true)).success then { ok = true; at = r.at; why = ""; }
    else { ok = false; at = r.at; why = "fails"; };
in
map check ${print(fromJS(paths.map((path) => [...path]), { strings: "quoted" }))}`;
}

interface Lookup {
  readonly ok: boolean;
  readonly at: readonly string[];
  readonly why: "" | "missing" | "notSet" | "fails";
}

const show = (path: readonly string[]): string => ["pkgs", ...path].join(".");

function message(path: readonly string[], lookup: Lookup): string {
  if (lookup.why === "fails") return `${show(path)}: evaluating ${show(lookup.at.length === path.length ? path : [...lookup.at, path[lookup.at.length] ?? ""])} fails in the package set`;
  const missing = path[lookup.at.length] ?? "";
  const parent = show(lookup.at);
  return lookup.why === "notSet"
    ? `${show(path)} does not exist in the package set (${parent} is not an attribute set)`
    : `${show(path)} does not exist in the package set (${parent} has no attribute ${JSON.stringify(missing)})`;
}

/**
 * Asks Nix (one `nix-instantiate --eval`) whether the package set `options.pkgs` has every
 * attribute path the specs name, and reports each one that is missing or fails to evaluate at
 * the field that names it (rule `package-exists`). Call on valid specs (validateSpecs). Throws an
 * Error when nix-instantiate cannot run or the package set itself does not evaluate.
 */
export async function checkPackagePaths(specs: readonly TreeSpec[], options: PackagePathOptions): Promise<PackagePathReport[]> {
  const perSpec = specs.map((entry) => {
    const found: Use[] = [];
    uses(entry.spec, [], found);
    return found;
  });
  const distinct = [...new Map(perSpec.flat().map((use) => [JSON.stringify(use.path), use.path])).values()];
  let lookups: Lookup[] = [];
  if (distinct.length > 0) {
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync("nix-instantiate", ["--eval", "--strict", "--json", "-E", lookupExpression(options.pkgs, distinct)], {
        encoding: "utf8",
        env: options.env ?? process.env,
        maxBuffer: 64 * 1024 * 1024,
      }));
    } catch (error) {
      const failed = error as NodeJS.ErrnoException & { stderr?: string };
      if (failed.code === "ENOENT") throw new Error("checking package paths needs nix-instantiate, which is not on PATH");
      throw new Error(`the package set ${options.pkgs} does not evaluate: ${(failed.stderr ?? failed.message).trim().split("\n")[0] ?? ""}`);
    }
    lookups = JSON.parse(stdout) as Lookup[];
  }
  const byPath = new Map(distinct.map((path, i) => [JSON.stringify(path), lookups[i] as Lookup]));
  return specs.map((spec, i) => ({
    spec,
    problems: (perSpec[i] ?? []).flatMap((use): Problem[] => {
      const lookup = byPath.get(JSON.stringify(use.path));
      if (lookup === undefined || lookup.ok) return [];
      return [{ path: [...use.at], rule: "package-exists", message: message(use.path, lookup) }];
    }),
  }));
}
