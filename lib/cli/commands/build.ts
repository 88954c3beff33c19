/**
 * `nix2aci build [ATTR…]`: the seed's `nix-build -A busybox && ./result/postprocess.sh` in one
 * command: regenerate the Nix tree from the specs, build the attributes (all by default), then
 * link and sign each image into ACIs/ by running the result's own postprocess.sh.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { choosePackageSet, nixBuild, treeAttributes } from "../build/nix.js";
import { expectPositionals, UsageError } from "../args.js";
import { defineCommand, type CliIO } from "../program.js";
import { findSpecFiles } from "../gen/find-specs.js";
import { generate } from "../gen/generate.js";
import { formatSize } from "../size.js";

export const command = defineCommand({
  name: "nix2aci build",
  summary: "generate, build with Nix, and link and sign each image into ACIs/",
  usage: ["[options] [ATTR...]"],
  description:
    "Regenerates the Nix tree (--nix) from the specs (--specs) when they changed, builds the named\n" +
    "attributes (all by default) with <nixpkgs> when Nix finds one, else nix2aci's host package set\n" +
    "(it says which), then runs each result's postprocess.sh to link the image into ACIs/ (a Nix GC\n" +
    "root) and sign it. Nix's build log stays on stderr; the summary goes to stdout.",
  options: {
    specs: { type: "string", value: "DIR", help: "the spec files (default: specs; skipped when the folder does not exist)" },
    nix: { type: "string", value: "DIR", help: "the generated Nix tree (default: nix)" },
    acis: { type: "string", value: "DIR", help: "where the images are linked and signed (default: ACIs)" },
    "no-sign": { type: "boolean", help: "link the images, do not sign them" },
    "allow-eddsa": { type: "boolean", help: "sign even with a key rkt cannot read (postprocess.sh's option)" },
    json: { type: "boolean", help: "print the summary as JSON" },
    builders: { type: "string", value: "SPEC", help: "Nix: remote builders (nix-build --builders)" },
    store: { type: "string", value: "URL", help: "Nix: the store to build in (nix-build --store)" },
    option: { type: "string", pair: true, value: "NAME VALUE", help: "Nix: set a Nix setting (repeatable; nix-build --option)" },
    "max-jobs": { type: "string", short: "j", value: "N", help: "Nix: builds at once (nix-build --max-jobs)" },
    cores: { type: "string", value: "N", help: "Nix: cores per build (nix-build --cores)" },
  },
  footer: "exit status: 0 built and signed; 1 generation, the build or signing failed; 2 bad usage.",
  async run({ values, positionals }, io) {
    const specs = path.resolve(io.cwd, values.specs ?? "specs");
    const tree = path.resolve(io.cwd, values.nix ?? "nix");
    const pkgs = choosePackageSet();
    if (existsSync(specs)) {
      // Generation asks Nix whether every pkgs.x.y exists: a missing package is named at its spec.
      const generated = await generate({ outDir: tree, check: false, nixDir: undefined, packageSet: pkgs }, findSpecFiles([specs], io.cwd), io);
      if (generated !== 0) return generated;
    } else if (values.specs !== undefined) throw new UsageError(`${values.specs}: no such folder`);
    if (!existsSync(path.join(tree, "default.nix"))) throw new UsageError(`${path.relative(io.cwd, tree) || "."}/default.nix does not exist: no specs to generate it from (--specs DIR)`);
    io.stderr(`nix2aci build: building with ${pkgs.description}\n`);
    const nixOptions = [
      ...pkgs.args,
      ...(values.builders === undefined ? [] : ["--builders", values.builders]),
      ...(values.store === undefined ? [] : ["--store", values.store]),
      ...(values["max-jobs"] === undefined ? [] : ["--max-jobs", values["max-jobs"]]),
      ...(values.cores === undefined ? [] : ["--cores", values.cores]),
      ...(values.option ?? []).flatMap((item, i) => (i % 2 === 0 ? ["--option", item] : [item])),
    ];
    const attributes = positionals.length > 0 ? positionals : treeAttributes(tree, pkgs);
    if (attributes.length === 0) throw new Error(`${tree}/default.nix has no attributes to build`);
    const outputs = await nixBuild(tree, attributes, nixOptions);
    const acis = values.acis ?? "ACIs";
    const postprocessArgs = [...(values["no-sign"] === true ? ["--no-sign"] : []), ...(values["allow-eddsa"] === true ? ["--allow-eddsa"] : []), "--", acis];
    const built: BuiltImage[] = [];
    for (const [index, output] of outputs.entries()) {
      const lines = await postprocess(output, postprocessArgs, io);
      built.push(...imagesOf(attributes[index] as string, lines, io.cwd));
    }
    io.stdout(values.json === true ? `${JSON.stringify(built, null, 2)}\n` : summary(built));
    return 0;
  },
});

interface BuiltImage {
  readonly attribute: string;
  readonly image: string;
  readonly size: number;
  /** Fingerprint of the key that signed it; null with --no-sign. */
  readonly signedBy: string | null;
}

/** Runs OUTPUT/postprocess.sh; its lines go to stderr as they come and are returned. */
function postprocess(output: string, args: readonly string[], io: CliIO): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(output, "postprocess.sh"), args, { cwd: io.cwd, stdio: ["inherit", "pipe", "inherit"] });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
      io.stderr(chunk);
    });
    child.on("error", (error) => reject(new Error(`cannot run ${output}/postprocess.sh: ${error.message}`)));
    child.on("close", (code) => (code === 0 ? resolve(text.split("\n")) : reject(new Error(`${output}/postprocess.sh failed (exit status ${String(code)}); its message is above`))));
  });
}

/** The images postprocess.sh linked (`linked  ACIs/x.aci`) and who signed them (`signed  ACIs/x.aci.asc (key FPR)`). */
function imagesOf(attribute: string, lines: readonly string[], cwd: string): BuiltImage[] {
  const signers = new Map(lines.flatMap((line) => {
    const signed = /^signed {2}(.*)\.asc \(key ([0-9A-F]+)\)$/.exec(line);
    return signed === null ? [] : [[signed[1] as string, signed[2] as string] as const];
  }));
  return lines.flatMap((line) => {
    const image = /^linked {2}(.*\.aci)$/.exec(line)?.[1];
    if (image === undefined) return [];
    return [{ attribute, image, size: statSync(path.resolve(cwd, image)).size, signedBy: signers.get(image) ?? null }];
  });
}

function summary(images: readonly BuiltImage[]): string {
  const rows = [["attribute", "image", "size", "signed by"], ...images.map((i) => [i.attribute, i.image, formatSize(i.size), i.signedBy ?? "(not signed)"])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  return `${rows.map((row) => row.map((cell, column) => (column === 3 ? cell : cell.padEnd((widths[column] as number) + 2))).join("")).join("\n")}\n`;
}
