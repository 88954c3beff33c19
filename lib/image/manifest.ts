/**
 * The image manifest as far as reading and running need it. Unknown keys are kept (appc ignores
 * them); the fields used here are checked, and a mistake names the field path.
 */
import { z } from "zod";

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

const manifestSchema = z.looseObject({
  acKind: z.literal("ImageManifest"),
  acVersion: z.string(),
  name: z.string().min(1),
  labels: z.array(nameValue).optional(),
  annotations: z.array(nameValue).optional(),
  app: app.optional(),
});

export type ImageManifest = z.infer<typeof manifestSchema>;
export type AppDefinition = z.infer<typeof app>;
export type MountPoint = z.infer<typeof mountPoint>;
export type Isolator = z.infer<typeof isolator>;

/** Parses manifest JSON text; throws an Error whose message names the broken field. */
export function parseManifest(text: string): ImageManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest is not JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`);
    throw new Error(`manifest is not a valid ImageManifest: ${problems.join("; ")}`);
  }
  return parsed.data;
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
