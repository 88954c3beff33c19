/**
 * Spec -> mkACI arguments (docs/mkaci-arguments.md) as plain data. Package references stay DSL
 * references: lib/render turns them (and only them) into Nix expressions and prints the rest.
 */
import type { PackageRef } from "./dsl.js";
import type { JsonValue } from "./json.js";
import type { ACISpec, Compression, Dependency, EtcFiles, EventHandler, MountPoint, Port } from "./types.js";

type Strings = Readonly<Record<string, string>>;

/**
 * The argument set of one mkACI call, keys in the order of the mkACI table. Optional keys are
 * present exactly when the spec sets them (mkACI supplies the documented defaults otherwise);
 * record keys are sorted so the output does not depend on the order the spec was written in.
 */
export interface MkACIArgs {
  readonly name: string;
  readonly version?: string;
  readonly os?: string;
  readonly arch?: string;
  readonly labels?: Strings;
  readonly annotations?: Strings;
  readonly packages: readonly PackageRef[];
  readonly exec: readonly string[];
  readonly user?: string;
  readonly group?: string;
  readonly supplementaryGIDs?: readonly number[];
  readonly environment?: Strings;
  readonly workingDirectory?: string;
  readonly eventHandlers?: readonly EventHandler[];
  readonly ports?: readonly Port[];
  readonly mountPoints?: readonly MountPoint[];
  /** Standard isolators, then custom ones, in spec order. */
  readonly isolators?: readonly { readonly name: string; readonly value: JsonValue }[];
  readonly userAnnotations?: Strings;
  readonly userLabels?: Strings;
  readonly dependencies?: readonly Dependency[];
  readonly pathWhitelist?: readonly string[];
  readonly thin?: boolean;
  readonly compression?: Compression;
  readonly etc?: EtcFiles;
  readonly extraCommands?: string;
}

function sortedRecord(record: Readonly<Record<string, string | undefined>>): Strings {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Objects with their keys in a fixed order and `undefined` members dropped. */
function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out as Pick<T, K>;
}

/**
 * mkACI arguments of a spec (a resolved variant: `variants` is ignored, `params` are not mkACI
 * arguments but arguments of the generated file). Call on a validated spec.
 */
export function toMkACIArgs(spec: ACISpec): MkACIArgs {
  const out: Record<string, unknown> = {};
  const set = (key: keyof MkACIArgs, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  const record = (value: Readonly<Record<string, string | undefined>> | undefined) =>
    value === undefined ? undefined : sortedRecord(value);

  set("name", spec.name);
  set("version", spec.version);
  set("os", spec.os);
  set("arch", spec.arch);
  set("labels", record(spec.labels));
  set("annotations", record(spec.annotations));
  set("packages", [...spec.packages]);
  set("exec", [...spec.exec]);
  set("user", spec.user);
  set("group", spec.group);
  set("supplementaryGIDs", spec.supplementaryGIDs && [...spec.supplementaryGIDs]);
  set("environment", record(spec.environment));
  set("workingDirectory", spec.workingDirectory);
  set("eventHandlers", spec.eventHandlers?.map((h) => ({ name: h.name, exec: [...h.exec] })));
  set("ports", spec.ports?.map((p) => pick(p, ["name", "protocol", "port", "count", "socketActivated"])));
  set("mountPoints", spec.mountPoints?.map((m) => pick(m, ["name", "path", "readOnly"])));
  const isolators = [...(spec.isolators ?? []), ...(spec.customIsolators ?? [])].map((i) => ({
    name: i.name,
    value: i.value as JsonValue,
  }));
  set("isolators", spec.isolators === undefined && spec.customIsolators === undefined ? undefined : isolators);
  set("userAnnotations", record(spec.userAnnotations));
  set("userLabels", record(spec.userLabels));
  set(
    "dependencies",
    spec.dependencies?.map((d) => ({ ...pick(d, ["imageName", "imageID"]), ...(d.labels && { labels: sortedRecord(d.labels) }), ...pick(d, ["size"]) })),
  );
  set("pathWhitelist", spec.pathWhitelist && [...spec.pathWhitelist]);
  set("thin", spec.thin);
  set("compression", spec.compression);
  set(
    "etc",
    spec.etc && {
      ...pick(spec.etc, ["hosts"]),
      ...(spec.etc.users && { users: spec.etc.users.map((u) => pick(u, ["name", "uid", "gid", "home", "shell", "gecos"])) }),
      ...(spec.etc.groups && {
        groups: spec.etc.groups.map((g) => ({ ...pick(g, ["name", "gid"]), ...(g.members && { members: [...g.members] }) })),
      }),
    },
  );
  set("extraCommands", spec.extraCommands);
  return out as unknown as MkACIArgs;
}
