/**
 * How `nix2aci-gen init` adds to files a project already has, keeping everything in them:
 * package.json gets nix2aci's scripts and dev dependency, .gitignore the lines it lacks.
 */
import { isPlainObject } from "../../spec/json.js";

export interface Merged {
  /** The file's new text (the old text when nothing was added). */
  readonly text: string;
  /** What was added, for the report (`scripts generate, build`). */
  readonly added: readonly string[];
  /** What would replace something different: the merge is refused unless forced. */
  readonly conflicts: readonly string[];
}

type Json = Record<string, unknown>;

function section(object: Json, key: string): Json {
  const value = object[key];
  return isPlainObject(value) ? (value as Json) : {};
}

/** The user's package.json with nix2aci's scripts (`force`: replacing theirs) and dev dependency. */
export function mergePackageJson(theirs: string, ours: string, force: boolean): Merged {
  let project: Json;
  try {
    const parsed: unknown = JSON.parse(theirs);
    if (!isPlainObject(parsed)) throw new Error("not a JSON object");
    project = parsed as Json;
  } catch (error) {
    throw new Error(`package.json: cannot add nix2aci's scripts: ${(error as Error).message}`);
  }
  const template = JSON.parse(ours) as Json;
  const scripts = { ...section(project, "scripts") };
  const added: string[] = [];
  const conflicts: string[] = [];
  for (const [name, command] of Object.entries(section(template, "scripts"))) {
    if (scripts[name] === command) continue;
    if (scripts[name] !== undefined && !force) {
      conflicts.push(`package.json: scripts.${name} is ${JSON.stringify(scripts[name])}, not ${JSON.stringify(command)}`);
      continue;
    }
    scripts[name] = command;
    added.push(name);
  }
  const merged: Json = { ...project, scripts };
  const report = added.length > 0 ? [`scripts ${added.join(", ")}`] : [];
  const range = section(template, "devDependencies")["nix2aci"];
  if (section(project, "dependencies")["nix2aci"] === undefined && section(project, "devDependencies")["nix2aci"] === undefined) {
    merged["devDependencies"] = { ...section(project, "devDependencies"), nix2aci: range };
    report.push("devDependencies nix2aci");
  }
  if (report.length === 0) return { text: theirs, added: [], conflicts };
  const indent = /^[{[]\r?\n([ \t]+)/.exec(theirs)?.[1] ?? "  ";
  return { text: `${JSON.stringify(merged, null, indent)}\n`, added: report, conflicts };
}

/** The user's .gitignore with the lines of nix2aci's that it lacks appended. */
export function mergeGitignore(theirs: string, ours: string): Merged {
  const present = new Set(theirs.split(/\r?\n/).map((line) => line.trim()));
  const missing = ours.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#") && !present.has(line.trim()));
  if (missing.length === 0) return { text: theirs, added: [], conflicts: [] };
  const separator = theirs === "" || theirs.endsWith("\n") ? "" : "\n";
  return { text: `${theirs}${separator}# nix2aci: build results, signed images\n${missing.join("\n")}\n`, added: [`${missing.length} line${missing.length === 1 ? "" : "s"}`], conflicts: [] };
}
