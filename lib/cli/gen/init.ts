import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { print, str } from "../../nix/index.js";
import { packageRoot, packageVersion } from "../../render/package-root.js";
import { expectPositionals } from "../args.js";
import { defineCommand } from "../program.js";
import { mergeGitignore, mergePackageJson } from "./merge-files.js";

export const command = defineCommand({
  name: "nix2aci-gen init",
  summary: "scaffold a project, or add nix2aci to one: specs/hello.ts, package.json scripts, flake.nix, .gitignore",
  usage: ["[--flake-url URL] [--force] [DIR]"],
  description:
    "Scaffolds a nix2aci project in DIR (default: the current folder), or adds to the project there:\n" +
    "package.json gets the scripts 'generate' and 'build' (and nix2aci as a dev dependency if it has\n" +
    "none), .gitignore the lines it lacks; every other file of the user's is kept. Refuses, writing\n" +
    "nothing, when one of its files would replace a different existing one (naming it).",
  options: {
    "flake-url": { type: "string", value: "URL", help: "flake reference of nix2aci for the generated flake.nix" },
    force: { type: "boolean", help: "replace existing files (and package.json scripts) that differ from nix2aci's" },
  },
  footer: "exit status: 0 done; 1 a file is in the way (or unreadable), nothing written; 2 bad usage.",
  async run({ values, positionals }, io) {
    expectPositionals(positionals, ["DIR"], 1);
    const dir = positionals[0] ?? ".";
    const project = path.resolve(io.cwd, dir);
    const result = initProject(project, { flakeUrl: values["flake-url"], force: values.force === true });
    if (result.conflicts.length > 0) {
      throw new Error(`nothing written: ${result.conflicts.join("; ")} (--force replaces ${result.conflicts.length === 1 ? "it" : "them"})`);
    }
    const where = dir === "." ? "" : ` in ${dir}`;
    const lines = [
      ...(result.created.length > 0 ? [`Created ${result.created.join(", ")}${where}.`] : []),
      ...(result.updated.length > 0 ? [`Updated ${result.updated.join(", ")}${where}.`] : []),
      ...(result.unchanged.length > 0 ? [`Already there: ${result.unchanged.join(", ")}.`] : []),
    ];
    const install = existsSync(path.join(project, "node_modules", "nix2aci")) ? "" : "npm install && ";
    io.stdout(`${lines.join("\n")}\nNext: ${dir === "." ? "" : `cd ${dir} && `}${install}npx nix2aci build\n`);
    return 0;
  },
});

/** Where nix2aci lives as a flake, for a new project's flake.nix (`init --flake-url` changes it). */
export const defaultFlakeUrl = "github:nix2aci/nix2aci";

/** Template (under templates/init) → file in the new project. */
const scaffold: readonly { readonly template: string; readonly output: string }[] = [
  { template: "specs/hello.ts.hbs", output: "specs/hello.ts" },
  { template: "package.json.hbs", output: "package.json" },
  { template: "flake.nix.hbs", output: "flake.nix" },
  // npm leaves files named .gitignore out of published packages: the template has no dot.
  { template: "gitignore.hbs", output: ".gitignore" },
];

export interface InitResult {
  /** Files written anew, relative to the project folder. */
  readonly created: readonly string[];
  /** Existing files nix2aci added to, e.g. `package.json (scripts generate, build)`. */
  readonly updated: readonly string[];
  /** Files that already were as nix2aci would make them. */
  readonly unchanged: readonly string[];
  /** What would replace something different (without `force`, nothing was written). */
  readonly conflicts: readonly string[];
}

/** Values the templates see. Every one is escaped by a helper for the language it lands in. */
interface ScaffoldValues {
  readonly packageName: string;
  readonly acName: string;
  readonly description: string;
  readonly flakeUrl: string;
  readonly nix2aciRange: string;
}

/**
 * Scaffolds a nix2aci project in `dir` from templates/init (a spec, package.json scripts, flake.nix
 * taking nix2aci as an input, .gitignore), keeping what is there: package.json and .gitignore are
 * merged into; any other existing file that differs is a conflict. With conflicts and without
 * `force`, nothing is written. Files are written to a temporary name and renamed into place.
 */
export function initProject(dir: string, options: { readonly flakeUrl?: string | undefined; readonly force?: boolean } = {}): InitResult {
  const values = scaffoldValues(dir, options.flakeUrl ?? defaultFlakeUrl);
  const force = options.force === true;
  const result = { created: [] as string[], updated: [] as string[], unchanged: [] as string[], conflicts: [] as string[] };
  const writes: { readonly target: string; readonly text: string }[] = [];
  for (const { template, output } of scaffold) {
    const target = path.join(dir, output);
    const ours = renderTemplate(template, values);
    const theirs = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (theirs === undefined) {
      result.created.push(output);
      writes.push({ target, text: ours });
      continue;
    }
    const merged =
      output === "package.json" ? mergePackageJson(theirs, ours, force) : output === ".gitignore" ? mergeGitignore(theirs, ours) : { text: ours, added: [], conflicts: theirs === ours || force ? [] : [`${output} exists and differs from nix2aci's`] };
    result.conflicts.push(...merged.conflicts.map((conflict) => (conflict.startsWith(output) ? conflict : `${output}: ${conflict}`)));
    if (merged.text === theirs) result.unchanged.push(output);
    else {
      result.updated.push(merged.added.length > 0 ? `${output} (${merged.added.join(", ")})` : output);
      writes.push({ target, text: merged.text });
    }
  }
  if (result.conflicts.length > 0 && !force) return { created: [], updated: [], unchanged: [], conflicts: result.conflicts };
  for (const { target, text } of writes) {
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.nix2aci-${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  }
  return { ...result, conflicts: [] };
}

function scaffoldValues(dir: string, flakeUrl: string): ScaffoldValues {
  const base = path.basename(path.resolve(dir));
  // npm names: lower case, no spaces; AC names: [a-z0-9] runs joined by single dashes.
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "images";
  return {
    packageName: slug,
    acName: "example.com/hello",
    description: `${slug}: App Container Images built with nix2aci`,
    flakeUrl,
    nix2aciRange: `^${packageVersion()}`,
  };
}

const handlebars = Handlebars.create();
handlebars.registerHelper("json", (value: unknown) => JSON.stringify(value));
handlebars.registerHelper("nixString", (value: unknown) => print(str(String(value))));

function renderTemplate(template: string, values: ScaffoldValues): string {
  const source = readFileSync(path.join(packageRoot(), "templates", "init", template), "utf8");
  return handlebars.compile(source, { noEscape: true, strict: true })(values);
}
