/** Builds attributes of test/build/fixtures/images.nix once, with real nix-build and host-pkgs. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { nixBuild, repoRoot } from "../support/nix.js";

export const fixtureFile = join(repoRoot, "test/build/fixtures/images.nix");

export interface BuiltImage {
  /** The derivation's output folder. */
  readonly out: string;
  /** The `.aci` file in it. */
  readonly aci: string;
}

/** The single `.aci` file in an output folder (throws if there is not exactly one). */
export function aciIn(out: string): string {
  const files = readdirSync(out).filter((f) => f.endsWith(".aci"));
  if (files.length !== 1 || files[0] === undefined) throw new Error(`${out} holds ${files.length} .aci files`);
  return join(out, files[0]);
}

/** Builds the named attributes in one nix-build (Nix runs them in parallel). */
export async function buildImages<Name extends string>(
  names: readonly Name[],
  options: { salt?: string; extraArgs?: readonly string[] } = {},
): Promise<Record<Name, BuiltImage>> {
  const args = [fixtureFile, ...names.flatMap((name) => ["-A", name])];
  if (options.salt !== undefined) args.push("--argstr", "salt", options.salt);
  const outs = await nixBuild([...args, ...(options.extraArgs ?? [])]);
  if (outs.length !== names.length) throw new Error(`nix-build returned ${outs.length} paths for ${names.length} attributes`);
  const result = {} as Record<Name, BuiltImage>;
  names.forEach((name, i) => {
    const out = outs[i] as string;
    result[name] = { out, aci: aciIn(out) };
  });
  return result;
}
