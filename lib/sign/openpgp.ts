/**
 * openpgp, loaded on first use: every spec file imports `nix2aci`, and the generator should not
 * pay openpgp's start-up (~80 ms) for a verifier it never calls.
 */
import type * as OpenPGP from "openpgp";

export type { OpenPGP };

let loading: Promise<typeof OpenPGP> | undefined;

export function loadOpenpgp(): Promise<typeof OpenPGP> {
  loading ??= import("openpgp");
  return loading;
}
