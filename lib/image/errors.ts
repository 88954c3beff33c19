/** Every problem with an image file: not an ACI, a corrupt archive, an unsafe entry, a bad manifest. */
export class ImageError extends Error {
  constructor(
    readonly imagePath: string,
    detail: string,
  ) {
    super(`${imagePath}: ${detail}`);
    this.name = "ImageError";
  }
}
