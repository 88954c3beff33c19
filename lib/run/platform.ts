/** The image's os/arch labels must match this host (a label left out means "any", as in appc). */
import { arch, endianness } from "node:os";
import { labelValue, type ImageManifest } from "../image/index.js";
import { RunError } from "./errors.js";

export function hostAppcArch(nodeArch: string = arch(), littleEndian: boolean = endianness() === "LE"): string {
  switch (nodeArch) {
    case "x64":
      return "amd64";
    case "arm64":
      return littleEndian ? "aarch64" : "aarch64_be";
    case "ia32":
      return "i386";
    case "arm":
      return "armv7l";
    case "ppc64":
      return littleEndian ? "ppc64le" : "ppc64";
    default:
      return nodeArch;
  }
}

export function checkPlatform(manifest: ImageManifest, hostOs: string = process.platform, hostArch: string = hostAppcArch()): void {
  const os = labelValue(manifest, "os");
  if (os !== undefined && os !== hostOs) {
    throw new RunError(`image '${manifest.name}' is for os '${os}'; this host runs '${hostOs}'`);
  }
  const imageArch = labelValue(manifest, "arch");
  if (imageArch !== undefined && imageArch !== hostArch) {
    throw new RunError(`image '${manifest.name}' is for arch '${imageArch}'; this host is '${hostArch}'`);
  }
}
