/** Signs an image with the user's gpg the way rkt expects: IMAGE.aci.asc, detached and armored. */
import { randomBytes } from "node:crypto";
import { access, constants, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { algorithmName, EDDSA_EXPLANATION, isEdDSAAlgorithm } from "./algorithms.js";
import { SigningError } from "./errors.js";
import { findGpg, GpgNotFoundError, type GpgOptions, type GpgResult, runGpg } from "./gpg.js";

export interface SignImageOptions extends GpgOptions {
  /** Where the signature goes; default `IMAGE.asc` (so `x.aci` gets `x.aci.asc`). */
  readonly signaturePath?: string;
  /** The key to sign with (gpg `--local-user`); default gpg's default key. */
  readonly localUser?: string;
  /** GNUPGHOME for gpg; default the environment's. */
  readonly gnupgHome?: string;
  /** Sign even with an EdDSA key, which rkt cannot verify. Default false. */
  readonly allowEdDSA?: boolean;
  /**
   * May the gpg-agent ask for a passphrase? "ask" lets its pinentry prompt; "error" fails at once
   * when the key is locked and its passphrase is not cached. Default: "ask" when this process has
   * a terminal or a desktop, else "error" (never wait on a prompt nobody sees).
   */
  readonly pinentry?: "ask" | "error";
}

export interface SignedImage {
  readonly imagePath: string;
  readonly signaturePath: string;
  /** Fingerprint (upper-case hex) of the key, or subkey, that made the signature. */
  readonly fingerprint: string;
  /** OpenPGP public-key algorithm id of that key (1 = RSA, 17 = DSA, 19 = ECDSA, 22 = EdDSA, ...). */
  readonly algorithmId: number;
  readonly algorithm: string;
}

function defaultPinentry(env: NodeJS.ProcessEnv): "ask" | "error" {
  const hasTerminal = process.stdin.isTTY === true || (env.GPG_TTY ?? "") !== "";
  const hasDesktop = (env.DISPLAY ?? "") !== "" || (env.WAYLAND_DISPLAY ?? "") !== "";
  return hasTerminal || hasDesktop ? "ask" : "error";
}

/** Maps a failed gpg run to a SigningError a person can act on. */
function explainFailure(result: GpgResult, localUser: string | undefined): SigningError {
  const text = `${result.status.join("\n")}\n${result.stderr}`;
  const gpgSaid = result.stderr.trim() === "" ? "" : `\ngpg said:\n${result.stderr.trim()}`;
  if (/^(INV_SGNR|NO_SGNR)\b/m.test(result.status.join("\n")) || /No secret key/.test(text)) {
    return new SigningError("no-secret-key", `gpg has no secret key ${localUser === undefined ? "(default)" : `'${localUser}'`} to sign with${gpgSaid}`);
  }
  if (/PINENTRY|No pinentry|Inappropriate ioctl|Bad passphrase|[Cc]ancel+ed/.test(text)) {
    return new SigningError(
      "locked-key",
      "the signing key is locked by a passphrase that could not be asked for (no terminal or pinentry); " +
        `unlock it in gpg-agent first or sign from a terminal${gpgSaid}`,
    );
  }
  const how = result.signal !== null ? `killed by ${result.signal}` : `exit status ${String(result.exitCode)}`;
  return new SigningError("gpg-failed", `gpg failed (${how})${gpgSaid}`);
}

/**
 * Signs `imagePath` into a detached ASCII-armored signature over its exact bytes. The signature is
 * written to a temporary file beside its destination and renamed into place, so a failure never
 * leaves a partial file; an existing signature is replaced only on success.
 */
export async function signImage(imagePath: string, options: SignImageOptions = {}): Promise<SignedImage> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  if (options.gnupgHome !== undefined) env.GNUPGHOME = options.gnupgHome;
  try {
    await access(imagePath, constants.R_OK);
  } catch (error) {
    throw new SigningError("unreadable-image", `cannot read image '${imagePath}': ${(error as Error).message}`);
  }
  let gpg: string;
  try {
    gpg = options.gpg ?? (await findGpg(env));
  } catch (error) {
    if (error instanceof GpgNotFoundError) throw new SigningError("gpg-missing", error.message);
    throw error;
  }

  const signaturePath = options.signaturePath ?? `${imagePath}.asc`;
  const temporary = join(dirname(signaturePath), `.${basename(signaturePath)}.${randomBytes(6).toString("hex")}.tmp`);
  const args = ["--yes", "--detach-sign", "--armor", "--output", temporary];
  if (options.localUser !== undefined) args.push("--local-user", options.localUser);
  if ((options.pinentry ?? defaultPinentry(env)) === "error") args.push("--pinentry-mode", "error");
  args.push("--", imagePath);

  try {
    let result: GpgResult;
    try {
      result = await runGpg(gpg, args, env);
    } catch (error) {
      throw new SigningError("gpg-missing", `cannot run '${gpg}': ${(error as Error).message}`);
    }
    if (result.exitCode !== 0) throw explainFailure(result, options.localUser);
    // SIG_CREATED <type> <pk_algo> <hash_algo> <class> <timestamp> <fingerprint>
    const created = result.status.find((line) => line.startsWith("SIG_CREATED "))?.split(" ");
    const algorithmId = Number(created?.[2]);
    const fingerprint = created?.[6];
    if (fingerprint === undefined || !Number.isInteger(algorithmId)) {
      throw new SigningError("gpg-failed", "gpg exited successfully but reported no signature (no SIG_CREATED status)");
    }
    if (isEdDSAAlgorithm(algorithmId) && options.allowEdDSA !== true) {
      throw new SigningError("eddsa-key", `refusing to sign with EdDSA key ${fingerprint}: ${EDDSA_EXPLANATION}`);
    }
    await rename(temporary, signaturePath);
    return { imagePath, signaturePath, fingerprint, algorithmId, algorithm: algorithmName(algorithmId) };
  } finally {
    await rm(temporary, { force: true });
  }
}
