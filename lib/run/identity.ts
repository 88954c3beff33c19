/**
 * app.user / app.group the appc way: a name is looked up in the image's own /etc/passwd and
 * /etc/group; failing that, an all-digit string is the number itself; a value starting with '/'
 * means the owner (group) of that file inside the image.
 */
import { readFile, stat } from "node:fs/promises";
import { RunError } from "./errors.js";
import { resolveInRoot, type ContainerView } from "./in-root.js";

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
}

function fields(text: string, minimum: number): string[][] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((parts) => parts.length >= minimum && /^\d+$/.test(parts[2] ?? ""));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return fields(text, 7).map(([name = "", , uid = "", gid = "", , home = "/", shell = ""]) => ({
    name,
    uid: Number(uid),
    gid: Number(/^\d+$/.test(gid) ? gid : "0"),
    home: home || "/",
    shell,
  }));
}

export function parseGroup(text: string): GroupEntry[] {
  return fields(text, 3).map(([name = "", , gid = ""]) => ({ name, gid: Number(gid) }));
}

async function readInContainer(view: ContainerView, path: string): Promise<string> {
  const found = await resolveInRoot(view, path, `the image's ${path}`);
  if (found === undefined) return "";
  const info = await stat(found.hostPath);
  if (!info.isFile()) return "";
  if (info.size > MAX_ACCOUNT_FILE_BYTES) throw new RunError(`the image's ${path} is larger than ${MAX_ACCOUNT_FILE_BYTES} bytes`);
  return readFile(found.hostPath, "utf8");
}

/** An /etc/passwd or /etc/group is read whole; a hostile one must not be able to fill memory. */
const MAX_ACCOUNT_FILE_BYTES = 16 * 1024 * 1024;

export interface ResolvedIdentity {
  readonly uid: number;
  readonly gid: number;
  /** The passwd entry of the uid, when the image has one (for HOME, USER, LOGNAME). */
  readonly user?: PasswdEntry;
}

async function ownerOf(view: ContainerView, path: string, field: "user" | "group"): Promise<number> {
  const found = await resolveInRoot(view, path, `app.${field} '${path}'`);
  if (found === undefined) throw new RunError(`app.${field} '${path}': no such file in the image`);
  const info = await stat(found.hostPath);
  return field === "user" ? info.uid : info.gid;
}

const MAX_ID = 4294967294;

function numeric(value: string, field: "user" | "group"): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_ID) {
    const file = field === "user" ? "/etc/passwd" : "/etc/group";
    throw new RunError(`app.${field} '${value}': not found in the image's ${file}, and not a number`);
  }
  return Number(value);
}

export async function resolveIdentity(view: ContainerView, user: string, group: string): Promise<ResolvedIdentity> {
  const passwd = parsePasswd(await readInContainer(view, "/etc/passwd"));
  const groups = parseGroup(await readInContainer(view, "/etc/group"));

  let uid: number;
  if (user.startsWith("/")) uid = await ownerOf(view, user, "user");
  else uid = passwd.find((entry) => entry.name === user)?.uid ?? numeric(user, "user");

  let gid: number;
  if (group.startsWith("/")) gid = await ownerOf(view, group, "group");
  else gid = groups.find((entry) => entry.name === group)?.gid ?? numeric(group, "group");

  const entry = passwd.find((candidate) => candidate.uid === uid);
  return { uid, gid, ...(entry === undefined ? {} : { user: entry }) };
}
