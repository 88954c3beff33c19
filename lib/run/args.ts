/**
 * `nix2aci run`'s command line: rkt's flags (and the short ones docker users reach for), parsed by
 * the CLIs' one parser (lib/cli/args.ts): flags before or after the image, `--flag VALUE` and
 * `--flag=VALUE` alike (so a thin image's `.mounts` file pastes in as is), and the app's extra
 * arguments after `--` (appended to exec, as rkt does; an optional closing `---` is dropped).
 */
import { parseCommandLine, UsageError, type CommandSpec, type OptionValues } from "../cli/args.js";
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

const runFlags = {
  interactive: { type: "boolean", short: "i", help: "keep stdin attached (a terminal stays a terminal)" },
  volume: { type: "string", short: "v", multiple: true, value: "VOLUME", help: "NAME,kind=host,source=PATH[,readOnly=true] or NAME,kind=empty[,mode=0755,uid=0,gid=0] (repeatable)" },
  mount: { type: "string", multiple: true, value: "MOUNT", help: "volume=NAME,target=PATH: mount a volume where the image has no mount point (repeatable)" },
  "insecure-options": { type: "string", multiple: true, value: "KINDS", help: "image (or all): run without checking IMAGE.aci.asc, with a warning" },
  "set-env": { type: "string", short: "e", multiple: true, value: "NAME=VALUE", help: "set an environment variable (repeatable)" },
  "inherit-env": { type: "boolean", help: "start from the caller's environment" },
  net: { type: "string", value: "host|none", help: "share the host network (default) or only a loopback" },
  exec: { type: "string", value: "PATH", help: "run PATH instead of the image's exec[0]" },
  user: { type: "string", short: "u", value: "USER", help: "override app.user" },
  group: { type: "string", value: "GROUP", help: "override app.group" },
  "working-dir": { type: "string", short: "w", value: "DIR", help: "override app.workingDirectory" },
} as const;

export const runCommandSpec: CommandSpec<typeof runFlags> = {
  name: "nix2aci run",
  summary: "run an image with bubblewrap, rkt-style flags",
  usage: ["[options] IMAGE.aci [-- ARGS...]", "[options] ID|NAME[:VERSION] [-- ARGS...]"],
  description:
    "Runs IMAGE.aci as rkt would: signed by a key trusted for its name (see 'nix2aci trust'), unpacked\n" +
    "once per image ID into the image store ('nix2aci image'), each run on its own copy-on-write\n" +
    "layer over it. An image already in the store runs by its ID or name as well. ARGS after '--'\n" +
    "are appended to the image's exec. A value may follow '=' or come as the next argument;\n" +
    "booleans take =true or =false.",
  options: runFlags,
  footer:
    "exit status: the app's own; 125 nix2aci failed (bad usage included); 126 the exec is not\n" +
    "executable; 127 the exec is not in the image; 128+N the app was killed by signal N.",
  restAfterDoubleDash: true,
};

const insecureKinds = new Set(["none", "image", "tls", "http", "pubkey", "capabilities", "paths", "seccomp", "ondisk", "all-fetch", "all-run", "all"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z_0-9.-]*$/;

/** RunOptions from the parsed command line (the CLI parses it; parseRunArgs does both). */
export function toRunOptions(values: OptionValues<typeof runFlags>, positionals: readonly string[], rest: readonly string[]): RunOptions {
  const [image, second] = positionals;
  if (image === undefined) throw new UsageError("no image given");
  if (second !== undefined) throw new UsageError(`only one image can be run; got '${image}' and '${second}' (app arguments go after '--')`);
  const volumes = (values.volume ?? []).map(parseVolume);
  const names = new Set<string>();
  for (const volume of volumes) {
    if (names.has(volume.name)) throw new UsageError(`--volume '${volume.name}' is given twice`);
    names.add(volume.name);
  }
  let skipSignatureCheck = false;
  for (const kind of (values["insecure-options"] ?? []).flatMap((list) => list.split(","))) {
    if (!insecureKinds.has(kind)) throw new UsageError(`--insecure-options: unknown value '${kind}'`);
    if (kind === "image" || kind === "all" || kind === "all-fetch") skipSignatureCheck = true;
  }
  const setEnv = new Map<string, string>();
  for (const assignment of values["set-env"] ?? []) {
    const at = assignment.indexOf("=");
    const name = at === -1 ? assignment : assignment.slice(0, at);
    if (at === -1 || !ENV_NAME.test(name)) throw new UsageError(`--set-env '${assignment}': expected NAME=VALUE with a valid variable name`);
    setEnv.set(name, assignment.slice(at + 1));
  }
  const net = values.net ?? "host";
  if (net !== "host" && net !== "none") throw new UsageError(`--net=${net}: only 'host' and 'none' are supported`);
  const workingDir = values["working-dir"];
  if (workingDir !== undefined && !workingDir.startsWith("/")) throw new UsageError(`--working-dir '${workingDir}': must be an absolute path`);
  return {
    image,
    args: rest.at(-1) === "---" ? rest.slice(0, -1) : rest,
    volumes,
    mounts: (values.mount ?? []).map(parseMount),
    interactive: values.interactive === true,
    skipSignatureCheck,
    setEnv,
    inheritEnv: values["inherit-env"] === true,
    net,
    ...(values.exec === undefined ? {} : { exec: values.exec }),
    ...(values.user === undefined ? {} : { user: values.user }),
    ...(values.group === undefined ? {} : { group: values.group }),
    ...(workingDir === undefined ? {} : { workingDir }),
  };
}

/** `nix2aci run`'s arguments (without the command name) as RunOptions; `--help`/`--version` are refused. */
export function parseRunArgs(argv: readonly string[]): RunOptions {
  const parsed = parseCommandLine(runCommandSpec, argv);
  if (parsed.kind !== "run") throw new UsageError(`--${parsed.kind} is for the command line, not parseRunArgs`);
  return toRunOptions(parsed.values, parsed.positionals, parsed.rest);
}
