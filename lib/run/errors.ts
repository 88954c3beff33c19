/** A run that cannot start: bad flags, untrusted image, missing volume, missing tool. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}
