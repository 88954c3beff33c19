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
import { join, relative, sep } from "node:path";
import { algorithmName, isEdDSAAlgorithm, rktUnreadableExplanation, rktUnreadableKeys } from "./algorithms.js";
import { TrustError, VerificationError } from "./errors.js";
import { passes } from "../spec/arguments/string-rules.js";
import { loadOpenpgp, type OpenPGP } from "./openpgp.js";

const FINGERPRINT = /^[0-9a-f]+$/;

export function trustDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["NIX2ACI_TRUST_DIR"];
  if (configured !== undefined && configured !== "") return configured;
  const configHome = env["XDG_CONFIG_HOME"] || join(homedir(), ".config");
  return join(configHome, "nix2aci", "trustedkeys");
}

export type TrustScope = { readonly prefix: string } | { readonly root: true };

export interface TrustedKey {
  readonly scope: TrustScope;
  readonly fingerprint: string;
  readonly userIDs: readonly string[];
  readonly algorithm: string;
  readonly path: string;
  /** Set when rkt could never verify a signature by this key (EdDSA, or a (sub)key it cannot parse). */
  readonly warning?: string;
}

function scopeDir(dir: string, scope: TrustScope): string {
  if ("root" in scope) return join(dir, "root.d");
  if (!passes("ac-identifier", scope.prefix)) {
    throw new TrustError(`--prefix '${scope.prefix}' is not a valid AC Identifier (e.g. example.com/app)`);
  }
  return join(dir, "prefix.d", ...scope.prefix.split("/"));
}

function describe(key: OpenPGP.Key, scope: TrustScope, path: string): TrustedKey {
  const fingerprint = key.getFingerprint().toLowerCase();
  const algorithm: number = key.keyPacket.algorithm;
  const unreadable = rktUnreadableKeys(key);
  const warning = isEdDSAAlgorithm(algorithm)
    ? "this is an EdDSA key: rkt could never verify its signatures"
    : unreadable.length > 0
      ? rktUnreadableExplanation(fingerprint.toUpperCase(), unreadable)
      : undefined;
  return { scope, fingerprint, userIDs: key.getUserIDs(), algorithm: algorithmName(algorithm), path, ...(warning === undefined ? {} : { warning }) };
}

/** Stores every public key of an armored key file; returns what was stored. */
export async function trustKeys(armored: string, scope: TrustScope, dir: string = trustDir()): Promise<TrustedKey[]> {
  const openpgp = await loadOpenpgp();
  let keys: OpenPGP.Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch (error) {
    throw new TrustError(`not an ASCII-armored OpenPGP public key: ${(error as Error).message}`);
  }
  const target = scopeDir(dir, scope);
  if (keys.some((key) => key.isPrivate())) throw new TrustError("refusing a private key: trust the public key (gpg --armor --export)");
  await mkdir(target, { recursive: true, mode: 0o755 });
  const stored: TrustedKey[] = [];
  for (const key of keys) {
    const path = join(target, key.getFingerprint().toLowerCase());
    const temp = `${path}.tmp-${process.pid}`;
    await writeFile(temp, key.armor(), { mode: 0o644 });
    await rename(temp, path);
    stored.push(describe(key, scope, path));
  }
  return stored;
}

/** The armored key files directly in `folder` (none when it does not exist). */
async function keyFilesIn(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && FINGERPRINT.test(e.name)).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    throw new TrustError(`cannot read the trust folder '${folder}': ${code === "ENOTDIR" ? "not a folder (check NIX2ACI_TRUST_DIR)" : (error as Error).message}`);
  }
  return names.sort().map((name) => join(folder, name));
}

/** Armored keys trusted for an image name: root.d plus every whole-part prefix of the name. */
export async function trustedKeysFor(imageName: string, dir: string = trustDir()): Promise<string[]> {
  const files = await keyFilesIn(join(dir, "root.d"));
  const parts = imageName.split("/");
  for (let n = 1; n <= parts.length; n++) {
    if (!passes("ac-identifier", parts.slice(0, n).join("/"))) continue;
    files.push(...(await keyFilesIn(join(dir, "prefix.d", ...parts.slice(0, n)))));
  }
  return Promise.all(files.map((file) => readFile(file, "utf8")));
}

/** As trustedKeysFor, but none is a VerificationError ("no-trusted-key") saying how to trust one. */
export async function requireTrustedKeys(imageName: string, dir: string = trustDir()): Promise<string[]> {
  const keys = await trustedKeysFor(imageName, dir);
  if (keys.length > 0) return keys;
  throw new VerificationError(
    "no-trusted-key",
    `no key is trusted for images named '${imageName}' (in ${dir}); trust one with: nix2aci trust --prefix=${imageName} KEY.asc`,
  );
}

/** Every trusted key, root.d first, then prefixes in order. */
export async function listTrustedKeys(dir: string = trustDir()): Promise<TrustedKey[]> {
  const files = [...(await keyFilesIn(join(dir, "root.d"))), ...(await prefixKeyFiles(join(dir, "prefix.d")))];
  const openpgp = await loadOpenpgp();
  const listed: TrustedKey[] = [];
  for (const file of files) {
    const folder = relative(dir, join(file, ".."));
    const scope: TrustScope = folder === "root.d" ? { root: true } : { prefix: relative("prefix.d", folder).split(sep).join("/") };
    let key: OpenPGP.Key;
    try {
      key = await openpgp.readKey({ armoredKey: await readFile(file, "utf8") });
    } catch (error) {
      throw new TrustError(`${file}: not an armored public key: ${(error as Error).message}`);
    }
    listed.push(describe(key, scope, file));
  }
  return listed;
}

async function prefixKeyFiles(folder: string): Promise<string[]> {
  const files = await keyFilesIn(folder);
  let children: string[] = [];
  try {
    children = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new TrustError(`cannot read the trust folder '${folder}': ${(error as Error).message}`);
  }
  for (const child of children) files.push(...(await prefixKeyFiles(join(folder, child))));
  return files;
}
