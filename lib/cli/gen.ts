/** `nix2aci-gen`: placeholder until the generator lands (issue 5). */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.length === 0) {
    process.stdout.write("usage: nix2aci-gen SPEC.ts > SPEC.nix\n       nix2aci-gen --out-dir DIR SPEC.ts|FOLDER ...\n");
    return 0;
  }
  process.stderr.write("nix2aci-gen: not implemented yet\n");
  return 2;
}
