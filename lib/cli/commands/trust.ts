/** `nix2aci trust`: not implemented yet. */
export async function run(_argv: readonly string[]): Promise<number> {
  process.stderr.write("nix2aci trust: not implemented yet\n");
  return 2;
}
