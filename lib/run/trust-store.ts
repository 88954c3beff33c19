/**
 * Trusted keys, kept in rkt's layout:
 *   <dir>/prefix.d/<name prefix>/<lower-case fingerprint>   trusted for names under that prefix
 *   <dir>/root.d/<lower-case fingerprint>                   trusted for every name
 * <dir> is $NIX2ACI_TRUST_DIR, else ~/.config/nix2aci/trustedkeys. As in rkt, a prefix matches
 * whole `/`-separated parts of the name: `example.com/tools` covers `example.com/tools/sh`,
 * not `example.com/toolsmith`.
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { loadOpenpgp, type OpenPGP } from "../sign/openpgp.js";
import { isEdDSAAlgorithm } from "../sign/index.js";
import { RunError } from "./errors.js";

const AC_IDENTIFIER = /^[a-z0-9]+([-._~/][a-z0-9]+)*$/;

export function trustDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["NIX2ACI_TRUST_DIR"];
  if (configured !== undefined && configured !== "") return configured;
  const configHome = env["XDG_CONFIG_HOME"] || join(homedir(), ".config");
  return join(configHome, "nix2aci", "trustedkeys");
}

export type TrustScope = { readonly prefix: string } | { readonly root: true };

export interface TrustedKey {
  readonly fingerprint: string;
  readonly userIDs: readonly string[];
  readonly path: string;
  /** Set when the key is EdDSA, which rkt could never verify. */
  readonly warning?: string;
}

function scopeDir(dir: string, scope: TrustScope): string {
  if ("root" in scope) return join(dir, "root.d");
  if (!AC_IDENTIFIER.test(scope.prefix)) {
    throw new RunError(`--prefix '${scope.prefix}' is not a valid AC Identifier (e.g. example.com/app)`);
  }
  return join(dir, "prefix.d", ...scope.prefix.split("/"));
}

/** Stores every public key of an armored key file; returns what was stored. */
export async function trustKeys(armored: string, scope: TrustScope, dir: string = trustDir()): Promise<TrustedKey[]> {
  const openpgp = await loadOpenpgp();
  let keys: OpenPGP.Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch (error) {
    throw new RunError(`not an ASCII-armored OpenPGP public key: ${(error as Error).message}`);
  }
  const target = scopeDir(dir, scope);
  await mkdir(target, { recursive: true, mode: 0o755 });
  const stored: TrustedKey[] = [];
  for (const key of keys) {
    if (key.isPrivate()) throw new RunError("refusing a private key: trust the public key (gpg --armor --export)");
    const fingerprint = key.getFingerprint().toLowerCase();
    const path = join(target, fingerprint);
    const temp = `${path}.tmp-${process.pid}`;
    await writeFile(temp, key.armor(), { mode: 0o644 });
    await rename(temp, path);
    const algorithm: number = key.keyPacket.algorithm;
    stored.push({
      fingerprint,
      userIDs: key.getUserIDs(),
      path,
      ...(isEdDSAAlgorithm(algorithm) ? { warning: "this is an EdDSA key: rkt could never verify its signatures" } : {}),
    });
  }
  return stored;
}

async function armoredIn(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && /^[0-9a-f]+$/.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return Promise.all(names.sort().map((name) => readFile(join(folder, name), "utf8")));
}

/** Armored keys trusted for an image name: root.d plus every whole-part prefix of the name. */
export async function trustedKeysFor(imageName: string, dir: string = trustDir()): Promise<string[]> {
  const keys = await armoredIn(join(dir, "root.d"));
  const parts = imageName.split("/");
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join("/");
    if (!AC_IDENTIFIER.test(prefix)) continue;
    keys.push(...(await armoredIn(join(dir, "prefix.d", ...parts.slice(0, n)))));
  }
  return keys;
}
