/** `nix2aci run`: not implemented yet. */
export async function run(_argv: readonly string[]): Promise<number> {
  process.stderr.write("nix2aci run: not implemented yet\n");
  return 2;
}
