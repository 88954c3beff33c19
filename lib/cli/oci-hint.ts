/**
 * An OCI image given where an ACI is expected (`nix2aci inspect result/NAME.oci.tar`) would fail
 * deep in the tar reader; this names what it is and the tool that reads it instead.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";

/** Throws a one-line error when `image` is an OCI image layout folder or an OCI archive (a tar starting with `oci-layout`). */
export function refuseOciImage(image: string): void {
  if (!existsSync(image)) return;
  const layout = statSync(image).isDirectory() && existsSync(path.join(image, "oci-layout"));
  if (!layout && !isOciArchive(image)) return;
  const transport = layout ? "oci" : "oci-archive";
  throw new Error(`'${image}' is an OCI image, not an ACI: inspect it with 'skopeo inspect ${transport}:${image}'`);
}

/** An uncompressed tar whose first entry is `oci-layout`, as mkOCI and skopeo write them (an ACI starts with `manifest`). */
function isOciArchive(file: string): boolean {
  if (!statSync(file).isFile()) return false;
  const header = Buffer.alloc(512);
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false; // unreadable (EACCES): the image reader says so, naming the image
  }
  try {
    if (readSync(fd, header, 0, 512, 0) < 512) return false;
  } finally {
    closeSync(fd);
  }
  const name = header.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
  return header.subarray(257, 262).toString("latin1") === "ustar" && (name === "oci-layout" || name === "./oci-layout");
}
