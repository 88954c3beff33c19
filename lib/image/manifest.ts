/**
 * The image manifest as far as reading and running need it. Unknown keys are kept (appc ignores
 * them); the fields used here are checked, and a mistake names the field path. The public types
 * are written out here (not inferred from zod) so the published `.d.ts` names no dependency's
 * types; the schema is checked against them by the compiler. zod is loaded on first use (~120 ms
 * of start-up that a warm `nix2aci run`, which reads no new manifest, does not pay).
 */
import type * as Zod from "zod";
import { passes, STRING_RULES } from "../spec/arguments/string-rules.js";

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

export interface MountPoint {
  readonly name: string;
  readonly path: string;
  readonly readOnly?: boolean | undefined;
  readonly [key: string]: unknown;
}

export interface Isolator {
  readonly name: string;
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

export interface EventHandler {
  readonly name: "pre-start" | "post-stop";
  readonly exec: readonly string[];
  readonly [key: string]: unknown;
}

export interface Port {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly socketActivated?: boolean | undefined;
  readonly [key: string]: unknown;
}

export interface AppDefinition {
  readonly exec?: readonly string[] | undefined;
  readonly user: string;
  readonly group: string;
  readonly supplementaryGIDs?: readonly number[] | undefined;
  readonly workingDirectory?: string | undefined;
  readonly environment?: readonly NameValue[] | undefined;
  readonly isolators?: readonly Isolator[] | undefined;
  readonly mountPoints?: readonly MountPoint[] | undefined;
  readonly eventHandlers?: readonly EventHandler[] | undefined;
  readonly ports?: readonly Port[] | undefined;
  readonly [key: string]: unknown;
}

export interface ImageManifest {
  readonly acKind: "ImageManifest";
  readonly acVersion: string;
  readonly name: string;
  readonly labels?: readonly NameValue[] | undefined;
  readonly annotations?: readonly NameValue[] | undefined;
  readonly app?: AppDefinition | undefined;
  readonly [key: string]: unknown;
}

let schema: Promise<Zod.ZodType<ImageManifest>> | undefined;

async function manifestSchema(): Promise<Zod.ZodType<ImageManifest>> {
  const { z } = await import("zod");
  const nameValue = z.object({ name: z.string(), value: z.string() });

  const mountPoint = z.looseObject({
    name: z.string().min(1),
    path: z.string().startsWith("/", "must be an absolute path"),
    readOnly: z.boolean().optional(),
  });

  const isolator = z.looseObject({ name: z.string().min(1), value: z.unknown() });

  const eventHandler = z.looseObject({
    name: z.enum(["pre-start", "post-stop"]),
    exec: z.array(z.string()).min(1, "must not be empty"),
  });

  const port = z.looseObject({
    name: z.string().min(1),
    protocol: z.string(),
    port: z.number().int(),
    socketActivated: z.boolean().optional(),
  });

  const app = z.looseObject({
    exec: z.array(z.string()).min(1, "must not be empty").optional(),
    user: z.string().min(1, "must not be empty"),
    group: z.string().min(1, "must not be empty"),
    supplementaryGIDs: z.array(z.number().int().nonnegative()).optional(),
    workingDirectory: z.string().startsWith("/", "must be an absolute path").optional(),
    environment: z.array(nameValue).optional(),
    isolators: z.array(isolator).optional(),
    mountPoints: z.array(mountPoint).optional(),
    eventHandlers: z.array(eventHandler).optional(),
    ports: z.array(port).optional(),
  });

  return z.looseObject({
    acKind: z.literal("ImageManifest"),
    acVersion: z.string(),
    name: z.string().min(1),
    labels: z.array(nameValue).optional(),
    annotations: z.array(nameValue).optional(),
    app: app.optional(),
  });
}

/**
 * Deepest nesting of arrays and objects accepted. appc manifests are a few levels deep; a
 * manifest of 200,000 nested arrays parses, but every recursive consumer (printing it,
 * comparing it) would overflow the stack.
 */
export const MAX_MANIFEST_DEPTH = 64;

function deeperThan(value: unknown, limit: number): boolean {
  // Iterative, so the check itself cannot overflow the stack.
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [current, depth] = item;
    if (typeof current !== "object" || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

function manifestJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest is not JSON: ${(error as Error).message}`);
  }
}

/** Parses manifest JSON text; rejects with an Error whose message names the broken field. */
export async function parseManifest(text: string): Promise<ImageManifest> {
  const json = manifestJson(text);
  if (deeperThan(json, MAX_MANIFEST_DEPTH)) throw new Error(`manifest nests arrays/objects deeper than ${MAX_MANIFEST_DEPTH} levels`);
  schema ??= manifestSchema();
  const parsed = (await schema).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`);
    throw new Error(`manifest is not a valid ImageManifest: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/**
 * The manifest's name alone, without the schema (loading zod is a fifth of a `verify`): for
 * choosing the trusted keys, so it must be an AC identifier, since it names trust-store folders.
 */
export function manifestName(text: string): string {
  const json = manifestJson(text);
  const name = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as { name?: unknown }).name : undefined;
  if (typeof name !== "string" || !passes("ac-identifier", name)) {
    throw new Error(`manifest is not a valid ImageManifest: name: ${STRING_RULES["ac-identifier"].message}, got ${JSON.stringify(name) ?? "nothing"}`);
  }
  return name;
}

export function labelValue(manifest: ImageManifest, name: string): string | undefined {
  return manifest.labels?.find((label) => label.name === name)?.value;
}

/** Thin images: mountPoints at a store path, which only a host volume can fill. */
export function storePathMountPoints(manifest: ImageManifest): MountPoint[] {
  return (manifest.app?.mountPoints ?? []).filter((mp) => isUnderNixStore(mp.path));
}

export function isUnderNixStore(path: string): boolean {
  return /^\/nix\/store\/[^/]+/.test(path);
}
