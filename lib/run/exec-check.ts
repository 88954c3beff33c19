/**
 * Decides before the sandbox starts whether the app's program can be executed, so that a missing
 * or unusable program gives podman's statuses (127 not found, 126 not executable) with a message
 * instead of bubblewrap's "execvp: No such file or directory" and a status of 1 that looks like
 * the app's. Checked inside the image's root: the program, and what the kernel would load for it
 * (a script's `#!` interpreter, an ELF program's dynamic loader), a few levels deep.
 */
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
import { posix } from "node:path";
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, RunError } from "./errors.js";
import { resolveInRoot, type ContainerView } from "./in-root.js";

/** Who the app is, as file permission checks inside the sandbox see it. */
export interface ExecIdentity {
  readonly uid: number;
  readonly gids: readonly number[];
  /** The owner a host file appears to have inside (not root, bwrap maps the caller onto the app). */
  readonly ownerInside: (hostUid: number, hostGid: number) => { uid: number; gid: number };
}

const MAX_INTERPRETER_DEPTH = 4;
const HEAD_BYTES = 4096;

function mayExecute(mode: number, owner: { uid: number; gid: number }, who: ExecIdentity): boolean {
  if ((mode & 0o111) === 0) return false;
  if (who.uid === 0) return true;
  if (owner.uid === who.uid) return (mode & 0o100) !== 0;
  if (who.gids.includes(owner.gid)) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/** The `#!` interpreter, or the ELF PT_INTERP loader, of a program (undefined: neither). */
export async function interpreterOf(readAt: ReadAt): Promise<string | undefined> {
  const head = await readAt(0, HEAD_BYTES);
  if (head.subarray(0, 2).toString("latin1") === "#!") {
    const line = head.subarray(2, head.includes(10) ? head.indexOf(10) : head.length).toString("utf8").trim();
    return line.split(/[ \t]+/)[0] || undefined;
  }
  if (head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  if (is64 && head.length < 64) return undefined;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const word = (b: Buffer, at: number) => (is64 ? Number(little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : u32(b, at));
  const phentsize = u16(head, is64 ? 54 : 42);
  const phnum = Math.min(u16(head, is64 ? 56 : 44), 512);
  if (phentsize < (is64 ? 56 : 32)) return undefined;
  const table = await readAt(word(head, is64 ? 32 : 28), phentsize * phnum);
  for (let at = 0; at + phentsize <= table.length; at += phentsize) {
    if (u32(table, at) !== 3) continue; // PT_INTERP
    const text = await readAt(word(table, at + (is64 ? 8 : 4)), Math.min(word(table, at + (is64 ? 32 : 16)), HEAD_BYTES));
    return text.toString("latin1").split("\0")[0] || undefined;
  }
  return undefined;
}

async function readInterpreter(hostPath: string): Promise<string | undefined> {
  const handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return await interpreterOf(async (offset, length) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, 64 * 1024)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
}

function notFound(message: string): RunError {
  return new RunError(message, { exitStatus: EXIT_NOT_FOUND });
}

function notExecutable(message: string): RunError {
  return new RunError(message, { exitStatus: EXIT_NOT_EXECUTABLE });
}

async function checkProgram(view: ContainerView, path: string, who: ExecIdentity, describe: string, depth: number): Promise<void> {
  const found = await resolveInRoot(view, path, describe);
  if (found === undefined) throw notFound(`${describe}: '${path}' is not in the image`);
  const info = await stat(found.hostPath);
  if (info.isDirectory()) throw notExecutable(`${describe}: '${path}' is a directory`);
  if (!info.isFile()) throw notExecutable(`${describe}: '${path}' is not a regular file`);
  const owner = who.ownerInside(info.uid, info.gid);
  if (!mayExecute(info.mode, owner, who)) {
    throw notExecutable(`${describe}: '${path}' is not executable by uid ${who.uid} (mode ${(info.mode & 0o7777).toString(8).padStart(4, "0")})`);
  }
  if (depth >= MAX_INTERPRETER_DEPTH) return;
  const interpreter = await readInterpreter(found.hostPath);
  if (interpreter === undefined) return;
  // A relative loader path is resolved against the working directory by the kernel: rare, unchecked.
  if (!interpreter.startsWith("/")) return;
  await checkProgram(view, interpreter, who, `${describe}: interpreter of '${path}'`, depth + 1);
}

/** Throws a RunError with exit status 127 or 126 when `program` could not be executed. */
export async function checkExecutable(view: ContainerView, program: string, searchPath: string, who: ExecIdentity, describe: string): Promise<void> {
  if (program.includes("/")) {
    await checkProgram(view, program.startsWith("/") ? program : posix.join("/", program), who, describe, 0);
    return;
  }
  // execvp: the first PATH entry that has the name.
  for (const dir of searchPath.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = posix.join(dir, program);
    if ((await resolveInRoot(view, candidate, describe)) !== undefined) {
      await checkProgram(view, candidate, who, describe, 0);
      return;
    }
  }
  throw notFound(`${describe}: '${program}' is not in the image (searched PATH=${searchPath})`);
}
