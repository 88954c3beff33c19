/** `nix2aci inspect IMAGE.aci [--json]`: manifest, image ID, sizes, file count, needed store paths. */
import { ImageError, labelValue, readImage, type ImageInfo } from "../../image/index.js";

const usage = `usage: nix2aci inspect IMAGE.aci [--json]\n`;

function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
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

export async function run(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  const rest = argv.filter((arg) => arg !== "--json");
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const unknown = rest.find((arg) => arg.startsWith("--"));
  if (unknown !== undefined || rest.length !== 1 || rest[0] === undefined) {
    process.stderr.write(unknown !== undefined ? `nix2aci inspect: unknown option '${unknown}'\n${usage}` : usage);
    return 2;
  }
  try {
    const info = await readImage(rest[0]);
    process.stdout.write(json ? `${JSON.stringify(inspectJson(info), null, 2)}\n` : inspectText(info));
    return 0;
  } catch (error) {
    if (error instanceof ImageError) {
      process.stderr.write(`nix2aci inspect: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
