/** `nix2aci trust --prefix=NAME-PREFIX KEY.asc` (or `--root KEY.asc`): trust a public key, rkt-style. */
import { readFile } from "node:fs/promises";
import { RunError, trustDir, trustKeys, type TrustScope } from "../../run/index.js";

const usage = `usage: nix2aci trust --prefix=NAME-PREFIX KEY.asc
       nix2aci trust --root KEY.asc

Trusts the ASCII-armored public key(s) in KEY.asc for images whose name starts with
NAME-PREFIX (whole '/'-separated parts), or for every image with --root. Keys are kept in
$NIX2ACI_TRUST_DIR or ~/.config/nix2aci/trustedkeys (rkt's prefix.d/ and root.d/ layout).
`;

function parse(argv: readonly string[]): { scope: TrustScope; keyFile: string } {
  let prefix: string | undefined;
  let root = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--root") root = true;
    else if (arg.startsWith("--prefix=")) prefix = arg.slice("--prefix=".length);
    else if (arg === "--prefix") prefix = argv[++i];
    else if (arg.startsWith("--")) throw new RunError(`unknown option '${arg}'\n${usage}`);
    else files.push(arg);
  }
  if (root === (prefix !== undefined)) throw new RunError(`give exactly one of --prefix=NAME-PREFIX or --root\n${usage}`);
  if (files.length !== 1 || files[0] === undefined) throw new RunError(`give exactly one KEY.asc file\n${usage}`);
  return { scope: root ? { root: true } : { prefix: prefix ?? "" }, keyFile: files[0] };
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  try {
    const { scope, keyFile } = parse(argv);
    let armored: string;
    try {
      armored = await readFile(keyFile, "utf8");
    } catch (error) {
      throw new RunError(`cannot read '${keyFile}': ${(error as Error).message}`);
    }
    const stored = await trustKeys(armored, scope, trustDir());
    const where = "root" in scope ? "every image name" : `image names under '${scope.prefix}'`;
    for (const key of stored) {
      process.stdout.write(`trusted ${key.fingerprint} (${key.userIDs.join(", ") || "no user ID"}) for ${where}: ${key.path}\n`);
      if (key.warning !== undefined) process.stderr.write(`nix2aci trust: warning: ${key.warning}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof RunError) {
      process.stderr.write(`nix2aci trust: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
