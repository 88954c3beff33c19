/**
 * zod schemas of the spec: the shape and per-value rules. Cross-field rules (uniqueness, declared
 * params, users that must exist, …) live in rules.ts, which runs whatever zod found.
 * test/spec/types.test-d.ts checks that `z.input` of these equals the hand-written types.
 */
import { z } from "zod";
import {
  ALL_ARCHS,
  MSG,
  VALID_OS_ARCH,
  hasLoneSurrogate,
  hasNul,
  isAcIdentifier,
  isAcName,
  isErrno,
  isHttpUrl,
  isQuantity,
  isRfc3339,
  ENV_NAME,
} from "./appc-rules.js";
import { isPackageRef, type PackageRef } from "./dsl.js";
import type { JsonValue } from "./json.js";
import type {
  ACIArch,
  ACIOs,
  Annotations,
  Compression,
  Dependency,
  EtcFiles,
  EventHandler,
  MountPoint,
  Port,
} from "./types.js";
import type { CustomIsolator, Isolator, LinuxCapability } from "./isolator-types.js";

/** A refinement that carries our rule id (read back in validate.ts). */
const rule = (id: string, message: string) => ({ message, params: { rule: id } });

export const str = z
  .string()
  .refine((s) => !hasNul(s), rule("no-nul", MSG.noNul))
  .refine((s) => !hasLoneSurrogate(s), rule("unicode", MSG.unicode));
export const nonEmpty = str.refine((s) => s !== "", rule("non-empty", "must not be empty"));
export const acIdentifier = str.refine(isAcIdentifier, rule("ac-identifier", MSG.acIdentifier));
export const acName = str.refine(isAcName, rule("ac-name", MSG.acName));
const absolutePath = str.refine((s) => s.startsWith("/"), rule("absolute-path", MSG.absolutePath));
const uint = z.number().int().min(0);
const nonEmptyList = <T extends z.ZodType>(item: T) => z.tuple([item], item).readonly();
const stringRecord = <K extends z.ZodType<string>>(key: K) => z.record(key, str).readonly();

/** JSON-like data; its depth is checked by rules.ts, which reports exact paths. */
export const jsonValue = z.custom<JsonValue>(() => true);

export const packageRef = z.custom<PackageRef>(
  isPackageRef,
  rule("package-ref", "must be a package reference: pkgs.…, attrPath(…), when(…) or nix(…)"),
);

const quantity = z
  .union([z.string(), z.number()])
  .refine(isQuantity, rule("quantity", MSG.quantity));
const requestLimit = z
  .strictObject({ request: quantity.optional(), limit: quantity.optional(), default: z.literal(false).optional() })
  .readonly();
const defaultLimit = z.strictObject({ default: z.literal(true), limit: quantity.optional() }).readonly();
const capability = str.refine(
  (s) => /^CAP_[A-Z0-9_]+$/.test(s),
  rule("capability", "must be a capability name such as CAP_NET_ADMIN"),
) as unknown as z.ZodType<LinuxCapability, LinuxCapability>;
const capabilitySet = z.strictObject({ set: nonEmptyList(capability) }).readonly();
const seccompSet = z
  .strictObject({
    set: nonEmptyList(nonEmpty),
    errno: str.refine(isErrno, rule("errno", "must be an errno name such as EPERM (E, then upper case letters or digits)")).optional(),
  })
  .readonly();
const selinuxPart = (colon: boolean) =>
  nonEmpty.refine((s) => !colon || !s.includes(":"), rule("selinux", "must not contain ':'"));
const selinux = z
  .strictObject({ user: selinuxPart(true), role: selinuxPart(true), type: selinuxPart(true), level: selinuxPart(false) })
  .readonly();
const intIn = (min: number, max: number) => z.number().int().min(min).max(max);

const iso = <N extends string, V extends z.ZodType>(name: N, value: V) =>
  z.strictObject({ name: z.literal(name), value }).readonly();

export const isolator = z.discriminatedUnion("name", [
  iso("resource/cpu", requestLimit),
  iso("resource/memory", requestLimit),
  iso("resource/block-bandwidth", defaultLimit),
  iso("resource/block-iops", defaultLimit),
  iso("resource/network-bandwidth", defaultLimit),
  iso("os/linux/capabilities-retain-set", capabilitySet),
  iso("os/linux/capabilities-remove-set", capabilitySet),
  iso("os/linux/seccomp-retain-set", seccompSet),
  iso("os/linux/seccomp-remove-set", seccompSet),
  iso("os/linux/selinux-context", selinux),
  iso("os/linux/no-new-privileges", z.boolean()),
  iso("os/linux/oom-score-adj", intIn(-1000, 1000)),
  iso("os/linux/cpu-shares", intIn(2, 262144)),
  iso("os/unix/sysctl", stringRecord(nonEmpty)),
]) satisfies z.ZodType<Isolator>;

export const customIsolator = z.strictObject({ name: acIdentifier, value: jsonValue }).readonly() satisfies z.ZodType<CustomIsolator>;

const eventHandler = z
  .strictObject({ name: z.enum(["pre-start", "post-stop"]), exec: nonEmptyList(str) })
  .readonly() satisfies z.ZodType<EventHandler>;

const port = z
  .strictObject({
    name: acName,
    protocol: nonEmpty,
    port: intIn(1, 65535),
    count: z.number().int().min(1).optional(),
    socketActivated: z.boolean().optional(),
  })
  .readonly() satisfies z.ZodType<Port>;

const mountPoint = z
  .strictObject({ name: acName, path: absolutePath, readOnly: z.boolean().optional() })
  .readonly() satisfies z.ZodType<MountPoint>;

const labelName = acIdentifier;
const dependency = z
  .strictObject({
    imageName: acIdentifier,
    imageID: str.refine((s) => /^sha512-[0-9a-f]+$/.test(s), rule("image-id", 'must be "sha512-" followed by lower case hex digits')).optional(),
    labels: stringRecord(labelName).optional(),
    size: uint.optional(),
  })
  .readonly() satisfies z.ZodType<Dependency>;

const userName = str.refine(
  (s) => /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(s),
  rule("user-name", "must be a user or group name ([A-Za-z_][A-Za-z0-9_.-]*)"),
);
const passwdField = str.refine((s) => !/[:\n]/.test(s), rule("passwd-field", "must not contain ':' or a newline"));
const etc = z
  .strictObject({
    hosts: str.optional(),
    users: z
      .array(
        z
          .strictObject({
            name: userName,
            uid: uint,
            gid: uint,
            home: passwdField.pipe(absolutePath).optional(),
            shell: passwdField.pipe(absolutePath).optional(),
            gecos: passwdField.optional(),
          })
          .readonly(),
      )
      .readonly()
      .optional(),
    groups: z
      .array(z.strictObject({ name: userName, gid: uint, members: z.array(userName).readonly().optional() }).readonly())
      .readonly()
      .optional(),
  })
  .readonly() satisfies z.ZodType<EtcFiles>;

const annotations = z
  .looseObject({
    authors: str.optional(),
    homepage: str.refine(isHttpUrl, rule("url", MSG.httpUrl)).optional(),
    documentation: str.refine(isHttpUrl, rule("url", MSG.httpUrl)).optional(),
    created: str.refine(isRfc3339, rule("rfc3339", MSG.rfc3339)).optional(),
  })
  .readonly() as unknown as z.ZodType<Annotations, Annotations>;
/** The annotation names (any AC identifier) are checked in rules.ts. */

const envName = str.refine((s) => ENV_NAME.test(s), rule("env-name", MSG.envName));

const os = z.enum(Object.keys(VALID_OS_ARCH) as [ACIOs, ...ACIOs[]]);
const arch = z.enum(ALL_ARCHS as [ACIArch, ...ACIArch[]]);
const compression = z.enum(["none", "gzip", "bzip2", "xz"]) satisfies z.ZodType<Compression>;

/** Every spec field but `variants`; `variants` reuse it, all optional. */
export const specFields = {
  name: acIdentifier,
  version: nonEmpty.optional(),
  os: os.optional(),
  arch: arch.optional(),
  labels: stringRecord(labelName).optional(),
  annotations: annotations.optional(),
  packages: nonEmptyList(packageRef),
  thin: z.boolean().optional(),
  params: z.record(str, jsonValue).readonly().optional(),
  compression: compression.optional(),
  etc: etc.optional(),
  extraCommands: str.optional(),
  exec: nonEmptyList(str),
  user: nonEmpty.optional(),
  group: nonEmpty.optional(),
  supplementaryGIDs: z.array(uint).readonly().optional(),
  environment: stringRecord(envName).optional(),
  workingDirectory: absolutePath.optional(),
  eventHandlers: z.array(eventHandler).readonly().optional(),
  ports: z.array(port).readonly().optional(),
  mountPoints: z.array(mountPoint).readonly().optional(),
  isolators: z.array(isolator).readonly().optional(),
  customIsolators: z.array(customIsolator).readonly().optional(),
  dependencies: z.array(dependency).readonly().optional(),
  pathWhitelist: z.array(absolutePath).readonly().optional(),
  userAnnotations: stringRecord(str).optional(),
  userLabels: stringRecord(str).optional(),
};

export const variantSchema = z.strictObject(specFields).partial().readonly();

export const specSchema = z
  .strictObject({ ...specFields, variants: z.record(str, variantSchema).readonly().optional() })
  .readonly();

/** Known field names, for "did you mean" hints. */
export const SPEC_FIELD_NAMES: readonly string[] = [...Object.keys(specFields), "variants"];
