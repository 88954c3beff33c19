/**
 * The typed ACI spec a spec module default-exports (through `defineACI`).
 * Field names are the mkACI argument names (docs/mkaci-arguments.md); the app fields sit at the
 * top level like mkACI's, so an error path such as `ports[1].name` is exactly what the user wrote.
 */
import type { PackageRef } from "./dsl.js";
import type { CustomIsolator, Isolator } from "./isolator-types.js";
import type { JsonValue } from "./json.js";

/** Operating systems appc knows. */
export type ACIOs = "linux" | "freebsd" | "darwin";
/**
 * Architectures appc knows; valid pairs: linux: amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b
 * ppc64 ppc64le s390x; freebsd: amd64 i386 arm; darwin: x86_64 i386.
 */
export type ACIArch =
  | "amd64"
  | "i386"
  | "aarch64"
  | "aarch64_be"
  | "armv6l"
  | "armv7l"
  | "armv7b"
  | "ppc64"
  | "ppc64le"
  | "s390x"
  | "arm"
  | "x86_64";

/** Compressor of the `.aci` file. */
export type Compression = "none" | "gzip" | "bzip2" | "xz";

/** A param value: JSON-like data, becomes the Nix default of the function argument. */
export type ParamValue = JsonValue;

/** Image annotations; the well-known ones are listed, any other AC identifier may be used. */
export interface Annotations {
  /** Who made the image, e.g. `"Jane Doe <jane@example.org>"`. */
  readonly authors?: string;
  /** An http(s) URL. */
  readonly homepage?: string;
  /** An http(s) URL. */
  readonly documentation?: string;
  /** Creation time, RFC 3339 (e.g. `"1970-01-01T00:00:01Z"`); leave unset for reproducible builds. */
  readonly created?: string;
  readonly [name: string]: string | undefined;
}

/** An app event handler. */
export interface EventHandler {
  /** When it runs. */
  readonly name: "pre-start" | "post-stop";
  /** Command and arguments (non-empty). */
  readonly exec: readonly [string, ...string[]];
}

/** A port the app listens on. */
export interface Port {
  /** An AC Name (`^[a-z0-9]+([-][a-z0-9]+)*$`), unique among ports. */
  readonly name: string;
  /** E.g. `"tcp"` or `"udp"`. */
  readonly protocol: string;
  /** 1–65535. */
  readonly port: number;
  /** How many consecutive ports, starting at `port` (default 1; `port + count - 1 <= 65535`). */
  readonly count?: number;
  /** Whether the app expects the socket passed in (systemd socket activation). */
  readonly socketActivated?: boolean;
}

/** A place where the runtime mounts a volume. */
export interface MountPoint {
  /** An AC Name, unique among mount points; the volume given at run time uses the same name. */
  readonly name: string;
  /** Absolute path inside the image, unique among mount points. */
  readonly path: string;
  /** Mount read-only (default false). */
  readonly readOnly?: boolean;
}

/** Another image this one is layered on. */
export interface Dependency {
  /** AC identifier of the image. */
  readonly imageName: string;
  /** `sha512-` followed by hex digits. */
  readonly imageID?: string;
  /** Labels the dependency must carry (e.g. `version`, `os`, `arch`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Size in bytes, for checking the download. */
  readonly size?: number;
}

/** An `/etc/passwd` entry. */
export interface EtcUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Default `/`. */
  readonly home?: string;
  /** Default `/bin/sh`. */
  readonly shell?: string;
  /** Default empty. */
  readonly gecos?: string;
}

/** An `/etc/group` entry. */
export interface EtcGroup {
  readonly name: string;
  readonly gid: number;
  /** User names. */
  readonly members?: readonly string[];
}

/** Generated files under `/etc` (root is always present in passwd and group). */
export interface EtcFiles {
  /** Contents of `/etc/hosts`. */
  readonly hosts?: string;
  readonly users?: readonly EtcUser[];
  readonly groups?: readonly EtcGroup[];
}

/** Everything a variant may change: any spec field but `variants`. */
export type ACIVariant = Partial<Omit<ACISpec, "variants">>;

/** One App Container Image. */
export interface ACISpec {
  // ---- identity
  /** AC identifier (`^[a-z0-9]+([-._~/][a-z0-9]+)*$`), e.g. `example.org/busybox`. */
  readonly name: string;
  /** The `version` label; default: the version of `packages[0]`, found by Nix. */
  readonly version?: string;
  /** Default: from the Nix system (`x86_64-linux` → linux/amd64). */
  readonly os?: ACIOs;
  /** Default: from the Nix system. Must be a valid pair with `os`. */
  readonly arch?: ACIArch;
  /** Extra labels (AC identifier names; not `name`, `version`, `os`, `arch`: use those fields). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image annotations (`authors`, `homepage`, `documentation`, `created`, …). */
  readonly annotations?: Annotations;

  // ---- content
  /** What goes into the image: `pkgs.busybox`, `pkgs.pkgsStatic.busybox`, `when(…)`, `nix(…)`. */
  readonly packages: readonly [PackageRef, ...PackageRef[]];
  /** Thin image: store paths are mounted from the host instead of copied (default false). */
  readonly thin?: boolean;
  /** Arguments of the generated Nix function, with their defaults: `{ static: false }`. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Named variations of this spec, e.g. `{ busyboxThin: { thin: true } }`. */
  readonly variants?: Readonly<Record<string, ACIVariant>>;
  /** Compressor of the `.aci` (default `gzip`). */
  readonly compression?: Compression;
  /** Generated `/etc/hosts`, `/etc/passwd`, `/etc/group`. */
  readonly etc?: EtcFiles;
  /** Shell run in the root filesystem before packing. */
  readonly extraCommands?: string;

  // ---- the app
  /** Command and arguments; `exec[0]` must be an absolute path. */
  readonly exec: readonly [string, ...string[]];
  /** User name or number (default `"0"`); a name must be in `etc.users` (or be `root`). */
  readonly user?: string;
  /** Group name or number (default `"0"`); a name must be in `etc.groups` (or be `root`). */
  readonly group?: string;
  /** Extra group ids. */
  readonly supplementaryGIDs?: readonly number[];
  /** Environment variables (`^[A-Za-z_][A-Za-z_0-9.-]*$` names). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Absolute path; default: the runtime's (`/`). */
  readonly workingDirectory?: string;
  /** At most one `pre-start` and one `post-stop`. */
  readonly eventHandlers?: readonly EventHandler[];
  readonly ports?: readonly Port[];
  readonly mountPoints?: readonly MountPoint[];
  /** Standard appc isolators, each with its own value shape. */
  readonly isolators?: readonly Isolator[];
  /** Isolators appc 0.8.11 does not know (actool rejects them; rkt may not). */
  readonly customIsolators?: readonly CustomIsolator[];
  readonly dependencies?: readonly Dependency[];
  /** Only these paths of the dependencies are kept. */
  readonly pathWhitelist?: readonly string[];
  readonly userAnnotations?: Readonly<Record<string, string>>;
  readonly userLabels?: Readonly<Record<string, string>>;
}
