/**
 * Helpers for the OCI tests: build test/oci/fixtures/images.nix with real nix-build, read an image
 * layout as the OCI image spec defines it (independently of nix/oci), and call the containers
 * tools (skopeo, umoci, podman) the way a user would. podman gets a storage of its own per test
 * file, so tests never touch (or depend on) the machine's images.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nixBuild, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";

export const fixtureFile = join(repoRoot, "test/oci/fixtures/images.nix");

export interface BuiltOci {
  /** The derivation's output folder. */
  readonly out: string;
  /** The OCI image layout in it (`NAME-VERSION-OS-ARCH.oci`). */
  readonly layout: string;
  /** The oci-archive beside it (`NAME-VERSION-OS-ARCH.oci.tar`). */
  readonly archive: string;
}

export function ociIn(out: string): BuiltOci {
  const layouts = readdirSync(out).filter((f) => f.endsWith(".oci"));
  if (layouts.length !== 1 || layouts[0] === undefined) throw new Error(`${out} holds ${layouts.length} .oci layouts`);
  return { out, layout: join(out, layouts[0]), archive: join(out, `${layouts[0]}.tar`) };
}

/** Builds the named attributes of the fixture file in one nix-build. */
export async function buildOci<Name extends string>(
  names: readonly Name[],
  options: { salt?: string; extraArgs?: readonly string[] } = {},
): Promise<Record<Name, BuiltOci>> {
  const args = [fixtureFile, ...names.flatMap((name) => ["-A", name])];
  if (options.salt !== undefined) args.push("--argstr", "salt", options.salt);
  const outs = await nixBuild([...args, ...(options.extraArgs ?? [])]);
  if (outs.length !== names.length) throw new Error(`nix-build returned ${outs.length} paths for ${names.length} attributes`);
  const result = {} as Record<Name, BuiltOci>;
  names.forEach((name, i) => {
    result[name] = ociIn(outs[i] as string);
  });
  return result;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
}

export interface ImageManifest {
  readonly schemaVersion: number;
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Record<string, string>;
}

export interface ImageConfig {
  readonly created?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config: {
    readonly User?: string;
    readonly Entrypoint?: string[];
    readonly Cmd?: string[];
    readonly Env?: string[];
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Record<string, object>;
    readonly Volumes?: Record<string, object>;
    readonly Labels?: Record<string, string>;
  };
  readonly rootfs: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: readonly { created?: string; created_by?: string; comment?: string }[];
}

export const blobPath = (layout: string, digest: string): string => join(layout, "blobs", ...digest.split(":"));

/** A blob's bytes, checked against its descriptor's digest and size. */
export function readBlob(layout: string, descriptor: Descriptor): Buffer {
  const bytes = readFileSync(blobPath(layout, descriptor.digest));
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (digest !== descriptor.digest) throw new Error(`blob ${descriptor.digest} has digest ${digest}`);
  if (bytes.length !== descriptor.size) throw new Error(`blob ${descriptor.digest} has ${bytes.length} bytes, not ${descriptor.size}`);
  return bytes;
}

export interface OciImage {
  readonly index: { readonly manifests: readonly Descriptor[] };
  readonly manifestDescriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** index.json → the one manifest → its config, every blob checked against its digest. */
export function readLayout(layout: string): OciImage {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as OciImage["index"];
  const [manifestDescriptor, ...others] = index.manifests;
  if (manifestDescriptor === undefined || others.length > 0) throw new Error(`${layout}: index.json lists ${index.manifests.length} manifests`);
  const manifest = JSON.parse(readBlob(layout, manifestDescriptor).toString("utf8")) as ImageManifest;
  const config = JSON.parse(readBlob(layout, manifest.config).toString("utf8")) as ImageConfig;
  return { index, manifestDescriptor, manifest, config };
}

/** Runs a containers tool; throws with its stderr when it fails. */
export function run(tool: string, args: readonly string[], input?: string): string {
  return execFileSync(tool, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024, stdio: ["pipe", "pipe", "pipe"] });
}

/** Runs a tool that is expected to fail or succeed; returns everything. */
export function attempt(tool: string, args: readonly string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(tool, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
}

export function requireContainerTools(): void {
  requireTool("skopeo", "skopeo");
  requireTool("umoci", "umoci");
  requireTool("podman", "podman");
  requireTool("runc", "runc");
}

/**
 * podman with a storage of its own (vfs: works on any file system), runc (crun refuses the cgroup
 * layout of these machines) and cgroupfs. `global` goes before the command, e.g. ["load", …].
 */
export class Podman {
  readonly dir = mkdtempSync(join(tmpdir(), "nix2aci-podman-"));
  private readonly global = [
    "--root", join(this.dir, "root"), "--runroot", join(this.dir, "run"), "--storage-driver", "vfs",
    "--runtime", "runc", "--cgroup-manager=cgroupfs", "--events-backend=none",
  ];
  /** What every `podman run` here adds: no network, limits under these machines' hard limits. */
  static readonly runFlags = ["--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

  constructor() {
    requireTool("podman", "podman");
    requireTool("runc", "runc");
  }

  run(args: readonly string[], input?: string): SpawnSyncReturns<string> {
    return attempt("podman", [...this.global, ...args], input);
  }

  /** Removes the images and the storage folder. */
  dispose(): void {
    this.run(["rmi", "--all", "--force"]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
