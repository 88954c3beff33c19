import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { print, str } from "../../nix/index.js";
import { packageRoot, packageVersion } from "../../render/package-root.js";
import { expectPositionals } from "../args.js";
import { defineCommand } from "../program.js";

export const command = defineCommand({
  name: "nix2aci-gen init",
  summary: "scaffold a project: specs/hello.ts, package.json scripts, flake.nix, .gitignore",
  usage: ["[--flake-url URL] [DIR]"],
  description: "Scaffolds a nix2aci project in DIR (default: the current folder).",
  options: {
    "flake-url": { type: "string", value: "URL", help: "flake reference of nix2aci for the generated flake.nix" },
  },
  footer: "exit status: 0 done; 1 a file is in the way, nothing created; 2 bad usage.",
  async run({ values, positionals }, io) {
    expectPositionals(positionals, ["DIR"], 1);
    const dir = positionals[0] ?? ".";
    const result = initProject(path.resolve(io.cwd, dir), values["flake-url"]);
    if (result.existing.length > 0) {
      throw new Error(`${result.existing.join(", ")} already exist${result.existing.length === 1 ? "s" : ""} in ${dir}; nothing created`);
    }
    io.stdout(`Created ${result.created.join(", ")} in ${dir}.\nNext: cd ${dir} && npm install && npm run generate && nix-build nix -A hello\n`);
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
  /** Files created, relative to the project folder. */
  readonly created: readonly string[];
  /** Files that already existed: when not empty, nothing was created. */
  readonly existing: readonly string[];
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
 * Scaffolds a nix2aci project in `dir` from templates/init: a spec, package.json with a
 * `generate` script, flake.nix taking nix2aci as an input, .gitignore. Refuses (creating nothing)
 * when any of those files exists.
 */
export function initProject(dir: string, flakeUrl: string = defaultFlakeUrl): InitResult {
  const existing = scaffold.map((file) => file.output).filter((output) => existsSync(path.join(dir, output)));
  if (existing.length > 0) return { created: [], existing };
  const values = scaffoldValues(dir, flakeUrl);
  const rendered = scaffold.map((file) => ({ output: file.output, text: renderTemplate(file.template, values) }));
  for (const { output, text } of rendered) {
    const target = path.join(dir, output);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text, { flag: "wx" });
  }
  return { created: rendered.map((file) => file.output), existing: [] };
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
