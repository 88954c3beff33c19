/** Cache files written whole or not at all: a reader never sees half a JSON file. */
import { randomBytes } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";

/** Writes `value` as JSON (indented by `space`, if given) to a private temporary file, then renames it over `path`. */
export async function writeJsonFile(path: string, value: unknown, space?: number): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temporary, `${JSON.stringify(value, null, space)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
