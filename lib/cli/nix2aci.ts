/** `nix2aci`: placeholder until verify/inspect/run land (issues 6 and 7). */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write("usage: nix2aci verify|inspect|run|trust ...\n");
  return argv.length === 0 ? 0 : 2;
}
