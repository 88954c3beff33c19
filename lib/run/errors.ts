/**
 * A run that cannot start or finish: bad flags, untrusted image, missing volume, missing tool,
 * exec missing from the image, an interrupted preparation. `exitStatus` is what `nix2aci run`
 * exits with for it, in podman's scheme (every status below 125 belongs to the app): 125 for
 * nix2aci's own failures, 126 exec found but not executable, 127 exec not found, 128+N when a
 * signal N interrupted the run before the app started.
 */
export const EXIT_OWN_FAILURE = 125;
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;

export class RunError extends Error {
  readonly exitStatus: number;

  constructor(message: string, options: { readonly exitStatus?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RunError";
    this.exitStatus = options.exitStatus ?? EXIT_OWN_FAILURE;
  }
}
