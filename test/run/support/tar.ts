/**
 * A ustar writer of our own, so tests can write any archive, including ones no honest packer
 * would (unknown entry types, paths that are not UTF-8, absolute or `..` paths), without going
 * through node-tar, which the code under test uses to read.
 */
export type EntryType = "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "BlockDevice" | "FIFO";

const TYPE_FLAGS: Record<EntryType, string> = {
  File: "0",
  Link: "1",
  SymbolicLink: "2",
  CharacterDevice: "3",
  BlockDevice: "4",
  Directory: "5",
  FIFO: "6",
};

export interface TarEntry {
  readonly path: string;
  readonly type: EntryType;
  readonly data?: Buffer | string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly linkpath?: string;
  readonly mtime?: Date;
  /** A raw type flag written instead of `type`'s (e.g. "S", "Z"). */
  readonly typeflag?: string;
  /** Raw path bytes written instead of `path` (e.g. invalid UTF-8). */
  readonly pathBytes?: Buffer;
  /** A size field that differs from the data written (the rest of the bytes come from elsewhere). */
  readonly declaredSize?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function splitPath(path: Buffer): { name: Buffer; prefix: Buffer } {
  if (path.length <= 100) return { name: path, prefix: Buffer.alloc(0) };
  for (let at = path.lastIndexOf(0x2f, 155); at > 0; at = path.lastIndexOf(0x2f, at - 1)) {
    if (path.length - at - 1 <= 100) return { name: path.subarray(at + 1), prefix: path.subarray(0, at) };
  }
  throw new Error(`test fixture path too long for a ustar header: ${path.toString()}`);
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const { name, prefix } = splitPath(entry.pathBytes ?? Buffer.from(entry.path));
  const defaultMode = entry.type === "Directory" ? 0o755 : entry.type === "SymbolicLink" ? 0o777 : 0o644;
  name.copy(block, 0);
  block.write(octal(entry.mode ?? defaultMode, 8), 100, "latin1");
  block.write(octal(entry.uid ?? 0, 8), 108, "latin1");
  block.write(octal(entry.gid ?? 0, 8), 116, "latin1");
  block.write(octal(size, 12), 124, "latin1");
  block.write(octal(Math.floor((entry.mtime ?? new Date(0)).getTime() / 1000), 12), 136, "latin1");
  block.write(entry.typeflag ?? TYPE_FLAGS[entry.type], 156, "latin1");
  if (entry.linkpath !== undefined) Buffer.from(entry.linkpath).copy(block, 157, 0, 100);
  block.write("ustar\u000000", 257, "latin1");
  if (entry.type === "CharacterDevice" || entry.type === "BlockDevice") {
    block.write(octal(1, 8), 329, "latin1");
    block.write(octal(3, 8), 337, "latin1");
  }
  prefix.copy(block, 345);
  block.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}

function member(entry: TarEntry): Buffer {
  const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header(entry, entry.declaredSize ?? data.length), padded]);
}

/** The archive: each entry's header and data, then two zero blocks. */
export function tarBytes(entries: readonly TarEntry[]): Buffer {
  return Buffer.concat([...entries.map(member), Buffer.alloc(1024)]);
}
