/** `nix2aci image list|rm|gc`: the image store that `run` unpacks into (rkt's commands of that name). */
import { cacheDir, collectGarbage, findImages, listImages, openCache, removeImage, RunError, type StoredImage } from "../../run/index.js";
import { terminalProgress } from "../../run/progress.js";
import { expectPositionals, UsageError, type OptionSpecs } from "../args.js";
import { defineCommand, type CliIO, type CommandArgs } from "../program.js";
import { formatSize } from "../size.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_UNUSED_DAYS = 30;

const imageOptions = {
  json: { type: "boolean", help: "list: print the images as JSON" },
  "unused-for": { type: "string", value: "DAYS", help: `gc: remove images not used for DAYS days (default ${DEFAULT_UNUSED_DAYS})` },
  "max-size": { type: "string", value: "SIZE", help: "gc: then remove the least recently used until the store takes at most SIZE (bytes, or with KiB/MiB/GiB)" },
} satisfies OptionSpecs;

type ImageCommandLine = CommandArgs<typeof imageOptions>;

export const command = defineCommand({
  name: "nix2aci image",
  summary: "list, remove or garbage-collect the images 'run' unpacked",
  usage: ["list [--json]", "rm IMAGE...", "gc [--unused-for=DAYS] [--max-size=SIZE]"],
  description:
    "'run' unpacks each image once into the store ($NIX2ACI_CACHE_DIR, else ~/.cache/nix2aci);\n" +
    "'list' shows what is there (ID, name, version, size, last use) and the total, 'rm' removes\n" +
    "images by ID (or its first 8+ hex digits), NAME or NAME:VERSION, 'gc' removes the ones not\n" +
    `used for DAYS (default ${DEFAULT_UNUSED_DAYS}), then the least recently used until the store is at most SIZE\n` +
    "(e.g. 10GiB). Images in use by a running app are kept.",
  options: imageOptions,
  footer: "exit status: 0 done; 1 an image was not found or is in use; 2 bad usage.",
  async run(parsed, io) {
    try {
      return await imageAction(parsed, io);
    } catch (error) {
      // lib/run's errors carry run's 125; here a failure is this command's 1.
      if (error instanceof RunError) throw new Error(error.message, { cause: error });
      throw error;
    }
  },
});

async function imageAction({ values, positionals }: ImageCommandLine, io: CliIO): Promise<number> {
  const [action, ...rest] = positionals;
  const dirs = await openCache(cacheDir());
  switch (action) {
    case "list":
      expectPositionals(rest, []);
      return list(await listImages(dirs), values.json === true, io);
    case "rm": {
      if (rest.length === 0) throw new UsageError("image rm needs at least one IMAGE (an ID, NAME or NAME:VERSION)");
      // Every reference is resolved before anything is removed: a typo removes nothing.
      const images = new Map<string, StoredImage>();
      for (const reference of rest) {
        const found = await findImages(dirs, reference);
        if (found.length === 0) throw new Error(`no image '${reference}' in the store`);
        for (const image of found) images.set(image.key, image);
      }
      for (const image of images.values()) {
        await removeImage(dirs, image);
        io.stdout(`removed ${image.imageId.slice(0, 19)} ${image.name}${image.version === undefined ? "" : ` ${image.version}`}\n`);
      }
      return 0;
    }
    case "gc": {
      expectPositionals(rest, []);
      const unusedFor = (values["unused-for"] === undefined ? DEFAULT_UNUSED_DAYS : days(values["unused-for"])) * DAY_MS;
      const maxSize = values["max-size"] === undefined ? undefined : size(values["max-size"]);
      const candidates = (await listImages(dirs)).length;
      const progress = terminalProgress()("collecting images", candidates, "items");
      let count = 0;
      const result = await collectGarbage(dirs, { unusedFor, ...(maxSize === undefined ? {} : { maxSize }) }, () => progress?.update(++count));
      progress?.finish();
      for (const image of result.removed) io.stdout(`removed ${image.imageId.slice(0, 19)} ${image.name} (${formatSize(image.size)}, last used ${day(image.lastUsed)})\n`);
      for (const image of result.kept) io.stdout(`kept ${image.imageId.slice(0, 19)} ${image.name}: in use\n`);
      io.stdout(`${result.removed.length} removed; the store now takes ${formatSize(result.remainingSize)}\n`);
      return 0;
    }
    case undefined:
      throw new UsageError("give an action: list, rm or gc");
    default:
      throw new UsageError(`unknown action '${action}' (list, rm or gc)`);
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

function list(images: readonly StoredImage[], json: boolean, io: CliIO): number {
  const total = images.reduce((sum, image) => sum + image.size, 0);
  if (json) {
    const rows = images.map((image) => ({
      id: image.imageId,
      name: image.name,
      version: image.version ?? null,
      size: image.size,
      unpacked: image.unpackedAt.toISOString(),
      lastUsed: image.lastUsed.toISOString(),
      signers: image.signers,
    }));
    io.stdout(`${JSON.stringify({ store: cacheDir(), totalSize: total, images: rows }, null, 2)}\n`);
    return 0;
  }
  const rows = [["ID", "NAME", "VERSION", "SIZE", "LAST USED"], ...images.map((image) => [image.imageId.slice(0, 19), image.name, image.version ?? "-", formatSize(image.size), day(image.lastUsed)])];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  for (const row of rows) io.stdout(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()}\n`);
  io.stdout(`${images.length} image${images.length === 1 ? "" : "s"}, ${formatSize(total)} in ${cacheDir()} (limit it with: nix2aci image gc --max-size=SIZE)\n`);
  return 0;
}

function days(text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--unused-for=${text}: expected a number of days`);
  return Number(text);
}

const UNITS: Readonly<Record<string, number>> = { "": 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

function size(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/.exec(text);
  if (match === null) throw new UsageError(`--max-size=${text}: expected bytes, or a number with KiB, MiB, GiB or TiB`);
  return Math.floor(Number(match[1]) * (UNITS[match[2] ?? ""] ?? 1));
}
