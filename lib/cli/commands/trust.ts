/** `nix2aci trust`: trust a public key for image names with a prefix (rkt's layout), or list them. */
import { listTrustedKeys, readSmallFile, trustDir, trustKeys, type TrustedKey, type TrustScope } from "../../sign/index.js";
import { expectPositionals, UsageError } from "../args.js";
import { defineCommand, type CliIO } from "../program.js";

export const command = defineCommand({
  name: "nix2aci trust",
  summary: "trust a public key for image names with a prefix, or list trusted keys",
  usage: ["--prefix=NAME-PREFIX KEY.asc", "--root KEY.asc", "--list [--json]"],
  description:
    "Trusts the ASCII-armored public key(s) in KEY.asc for images whose name starts with\n" +
    "NAME-PREFIX, or for every image with --root. Keys are kept in $NIX2ACI_TRUST_DIR or\n" +
    "~/.config/nix2aci/trustedkeys (rkt's prefix.d/ and root.d/ layout).",
  options: {
    prefix: { type: "string", value: "NAME-PREFIX", help: "trust the key for image names under NAME-PREFIX (whole '/'-separated parts)" },
    root: { type: "boolean", help: "trust the key for every image name" },
    list: { type: "boolean", help: "list the trusted keys instead" },
    json: { type: "boolean", help: "with --list, or when trusting: print the keys as JSON" },
  },
  footer: "exit status: 0 done; 1 the key was refused or the trust folder cannot be used; 2 bad usage.",
  async run({ values, positionals }, io) {
    if (values.list === true) {
      if (values.prefix !== undefined || values.root === true) throw new UsageError("--list takes no --prefix or --root");
      expectPositionals(positionals, []);
      const keys = await listTrustedKeys();
      if (keys.length === 0 && values.json !== true) io.stdout(`no key is trusted (in ${trustDir()})\n`);
      return print(keys, values.json === true, io, "");
    }
    if ((values.root === true) === (values.prefix !== undefined)) throw new UsageError("give exactly one of --prefix=NAME-PREFIX or --root");
    expectPositionals(positionals, ["KEY.asc"]);
    const scope: TrustScope = values.prefix === undefined ? { root: true } : { prefix: values.prefix };
    const stored = await trustKeys(await readSmallFile(positionals[0] as string, "key"), scope, trustDir());
    return print(stored, values.json === true, io, "trusted ");
  },
});

function where(scope: TrustScope): string {
  return "root" in scope ? "every image name" : `image names under '${scope.prefix}'`;
}

function print(keys: readonly TrustedKey[], json: boolean, io: CliIO, verb: string): number {
  if (json) {
    io.stdout(`${JSON.stringify(keys.map((key) => ({ ...key, scope: "root" in key.scope ? "root" : "prefix", prefix: "prefix" in key.scope ? key.scope.prefix : null })), null, 2)}\n`);
  } else {
    for (const key of keys) io.stdout(`${verb}${key.fingerprint} (${key.userIDs.join(", ") || "no user ID"}; ${key.algorithm}) for ${where(key.scope)}: ${key.path}\n`);
  }
  for (const key of keys) if (key.warning !== undefined) io.stderr(`nix2aci trust: warning: ${key.fingerprint}: ${key.warning}\n`);
  return 0;
}
