/**
 * `nix2aci run` command line, in rkt's syntax: flags before or after the image, `--flag VALUE`
 * and `--flag=VALUE` alike (so a thin image's `.mounts` file pastes in as is), and the app's
 * extra arguments after `--` (appended to exec, as rkt does; an optional closing `---` is dropped).
 */
import { RunError } from "./errors.js";
import { parseMount, parseVolume, type MountRequest, type Volume } from "./volumes.js";

export type NetworkMode = "host" | "none";

export interface RunOptions {
  readonly image: string;
  readonly args: readonly string[];
  readonly volumes: readonly Volume[];
  readonly mounts: readonly MountRequest[];
  readonly interactive: boolean;
  /** `--insecure-options=image` (or `all`): run without a valid signature, with a warning. */
  readonly skipSignatureCheck: boolean;
  readonly setEnv: ReadonlyMap<string, string>;
  readonly inheritEnv: boolean;
  readonly net: NetworkMode;
  readonly exec?: string;
  readonly user?: string;
  readonly group?: string;
  readonly workingDir?: string;
}

export const runUsage = `usage: nix2aci run [options] IMAGE.aci [-- ARGS...]

options (rkt syntax; VALUE may follow '=' or come as the next argument):
  --interactive                  keep stdin attached (a tty stays a tty)
  --volume NAME,kind=host,source=PATH[,readOnly=true]
  --volume NAME,kind=empty[,mode=0755,uid=0,gid=0]
  --mount volume=NAME,target=PATH  mount a volume where the image has no mountPoint
  --insecure-options=image       run without checking IMAGE.aci.asc (warns)
  --set-env NAME=VALUE           set an environment variable (repeatable)
  --inherit-env                  start from the caller's environment
  --net=host|none                share the host network (default) or only a loopback
  --exec PATH                    run PATH instead of the image's exec[0]
  --user USER, --group GROUP     override app.user / app.group
  --working-dir DIR              override app.workingDirectory
ARGS after '--' are appended to the image's exec.
`;

const valueFlags = new Set(["volume", "mount", "insecure-options", "set-env", "net", "exec", "user", "group", "working-dir"]);
const boolFlags = new Set(["interactive", "inherit-env"]);
const insecureKinds = new Set(["none", "image", "tls", "http", "pubkey", "capabilities", "paths", "seccomp", "ondisk", "all-fetch", "all-run", "all"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z_0-9.-]*$/;

function parseBoolValue(flag: string, value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new RunError(`--${flag}=${value}: expected true or false`);
}

export function parseRunArgs(argv: readonly string[]): RunOptions {
  let image: string | undefined;
  let args: string[] = [];
  const volumes: Volume[] = [];
  const mounts: MountRequest[] = [];
  const setEnv = new Map<string, string>();
  let interactive = false;
  let inheritEnv = false;
  let skipSignatureCheck = false;
  let net: NetworkMode = "host";
  let exec: string | undefined;
  let user: string | undefined;
  let group: string | undefined;
  let workingDir: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      args = argv.slice(i + 1);
      if (args.at(-1) === "---") args = args.slice(0, -1);
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (image !== undefined) throw new RunError(`only one image can be run; got '${image}' and '${arg}' (app arguments go after '--')`);
      image = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (boolFlags.has(flag)) {
      const on = value === undefined ? true : parseBoolValue(flag, value);
      if (flag === "interactive") interactive = on;
      else inheritEnv = on;
      continue;
    }
    if (!valueFlags.has(flag)) throw new RunError(`unknown option '--${flag}'\n${runUsage}`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new RunError(`--${flag} needs a value`);
    }
    switch (flag) {
      case "volume":
        volumes.push(parseVolume(value));
        break;
      case "mount":
        mounts.push(parseMount(value));
        break;
      case "insecure-options":
        for (const kind of value.split(",")) {
          if (!insecureKinds.has(kind)) throw new RunError(`--insecure-options: unknown value '${kind}'`);
          if (kind === "image" || kind === "all" || kind === "all-fetch") skipSignatureCheck = true;
        }
        break;
      case "set-env": {
        const at = value.indexOf("=");
        const name = at === -1 ? value : value.slice(0, at);
        if (at === -1 || !ENV_NAME.test(name)) throw new RunError(`--set-env '${value}': expected NAME=VALUE with a valid variable name`);
        setEnv.set(name, value.slice(at + 1));
        break;
      }
      case "net":
        if (value !== "host" && value !== "none") throw new RunError(`--net=${value}: only 'host' and 'none' are supported`);
        net = value;
        break;
      case "exec":
        exec = value;
        break;
      case "user":
        user = value;
        break;
      case "group":
        group = value;
        break;
      case "working-dir":
        if (!value.startsWith("/")) throw new RunError(`--working-dir '${value}': must be an absolute path`);
        workingDir = value;
        break;
    }
  }
  if (image === undefined) throw new RunError(`no image given\n${runUsage}`);
  const names = new Set<string>();
  for (const volume of volumes) {
    if (names.has(volume.name)) throw new RunError(`--volume '${volume.name}' is given twice`);
    names.add(volume.name);
  }
  return {
    image,
    args,
    volumes,
    mounts,
    interactive,
    skipSignatureCheck,
    setEnv,
    inheritEnv,
    net,
    ...(exec === undefined ? {} : { exec }),
    ...(user === undefined ? {} : { user }),
    ...(group === undefined ? {} : { group }),
    ...(workingDir === undefined ? {} : { workingDir }),
  };
}
