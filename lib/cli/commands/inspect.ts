/** `nix2aci inspect IMAGE.aci [--json]`: manifest, image ID, sizes, file count, needed store paths. */
import { labelValue, readImage, type ImageInfo } from "../../image/index.js";
import { expectPositionals } from "../args.js";
import { defineCommand } from "../program.js";
import { formatSize } from "../size.js";

export const command = defineCommand({
  name: "nix2aci inspect",
  summary: "show an image's manifest, ID, sizes and needed store paths",
  usage: ["IMAGE.aci [--json]"],
  description:
    "Reads IMAGE.aci without unpacking it (every entry is checked) and shows its manifest, its image\n" +
    "ID (sha512 of the uncompressed tar, as rkt computes it), its sizes and file count, and for a\n" +
    "thin image the host store paths it needs as volumes.",
  options: {
    json: { type: "boolean", help: "print the facts as one JSON object" },
  },
  footer: "exit status: 0 done; 1 the image cannot be read or is refused; 2 bad usage.",
  async run({ values, positionals }, io) {
    expectPositionals(positionals, ["IMAGE.aci"]);
    const info = await readImage(positionals[0] as string);
    io.stdout(values.json === true ? `${JSON.stringify(inspectJson(info), null, 2)}\n` : inspectText(info));
    return 0;
  },
});

function humanSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${formatSize(bytes)} (${bytes} bytes)`;
}

export function inspectJson(info: ImageInfo): Record<string, unknown> {
  return {
    imageId: info.imageId,
    compression: info.compression,
    compressedSize: info.compressedSize,
    uncompressedSize: info.uncompressedSize,
    fileCount: info.fileCount,
    entryCount: info.entryCount,
    thin: info.storeMountPoints.length > 0,
    storePaths: info.storeMountPoints.map((mp) => ({ name: mp.name, path: mp.path })),
    manifest: info.manifest,
  };
}

export function inspectText(info: ImageInfo): string {
  const m = info.manifest;
  const app = m.app;
  const lines = [
    `name:          ${m.name}`,
    `version:       ${labelValue(m, "version") ?? "(none)"}`,
    `os/arch:       ${labelValue(m, "os") ?? "any"}/${labelValue(m, "arch") ?? "any"}`,
    `image ID:      ${info.imageId}`,
    `compression:   ${info.compression}`,
    `size:          ${humanSize(info.compressedSize)} compressed, ${humanSize(info.uncompressedSize)} uncompressed`,
    `files:         ${info.fileCount} (${info.entryCount} tar entries)`,
  ];
  if (app !== undefined) {
    lines.push(`exec:          ${JSON.stringify(app.exec ?? [])}`, `user/group:    ${app.user}/${app.group}`);
  }
  if (info.storeMountPoints.length > 0) {
    lines.push(`thin image:    needs ${info.storeMountPoints.length} host store path(s) as volumes:`);
    for (const mp of info.storeMountPoints) lines.push(`  ${mp.path}  (volume ${mp.name})`);
  }
  lines.push("manifest:", JSON.stringify(m, null, 2));
  return `${lines.join("\n")}\n`;
}
