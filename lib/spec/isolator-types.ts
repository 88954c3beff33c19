/**
 * The standard appc 0.8.11 isolators, each with the value shape actool accepts.
 * Anything else goes under `customIsolators` (see {@link CustomIsolator}).
 */

/** A Kubernetes-style resource quantity: `"500m"`, `"1Gi"`, `"1.5"`, or a number. */
export type Quantity = string | number;

/** `resource/cpu` and `resource/memory`: what the app asks for and its hard limit. */
export interface ResourceRequestLimit {
  /** Guaranteed amount, e.g. `"250m"` (CPU) or `"128Mi"` (memory). */
  readonly request?: Quantity;
  /** Upper bound, e.g. `"1"` (CPU) or `"1Gi"` (memory). */
  readonly limit?: Quantity;
  /** Must be false (or absent) for these resources. */
  readonly default?: false;
}

/** `resource/block-bandwidth`, `resource/block-iops`, `resource/network-bandwidth`. */
export interface ResourceDefaultLimit {
  /** Must be `true`: the limit applies to the default device/interface. */
  readonly default: true;
  /** The limit, e.g. `"10M"`. */
  readonly limit?: Quantity;
}

/** A Linux capability name such as `CAP_NET_ADMIN`. */
export type LinuxCapability = `CAP_${string}`;

/** Capability set: a non-empty list of `CAP_…` names. */
export interface CapabilitySet {
  readonly set: readonly [LinuxCapability, ...LinuxCapability[]];
}

/** Seccomp set: a non-empty list of syscall names (or `@group`s), and the errno to fail with. */
export interface SeccompSet {
  readonly set: readonly [string, ...string[]];
  /** An errno name such as `EPERM`: upper case letters and digits, starting with `E`. */
  readonly errno?: string;
}

/** SELinux context; none of the parts may be empty, user/role/type may not contain `:`. */
export interface SELinuxContext {
  readonly user: string;
  readonly role: string;
  readonly type: string;
  readonly level: string;
}

/** One standard isolator: `name` picks the shape of `value`. */
export type Isolator =
  | { readonly name: "resource/cpu"; readonly value: ResourceRequestLimit }
  | { readonly name: "resource/memory"; readonly value: ResourceRequestLimit }
  | { readonly name: "resource/block-bandwidth"; readonly value: ResourceDefaultLimit }
  | { readonly name: "resource/block-iops"; readonly value: ResourceDefaultLimit }
  | { readonly name: "resource/network-bandwidth"; readonly value: ResourceDefaultLimit }
  | { readonly name: "os/linux/capabilities-retain-set"; readonly value: CapabilitySet }
  | { readonly name: "os/linux/capabilities-remove-set"; readonly value: CapabilitySet }
  | { readonly name: "os/linux/seccomp-retain-set"; readonly value: SeccompSet }
  | { readonly name: "os/linux/seccomp-remove-set"; readonly value: SeccompSet }
  | { readonly name: "os/linux/selinux-context"; readonly value: SELinuxContext }
  /** Whether the app may gain privileges (setuid binaries, file capabilities). */
  | { readonly name: "os/linux/no-new-privileges"; readonly value: boolean }
  /** Integer from -1000 to 1000. */
  | { readonly name: "os/linux/oom-score-adj"; readonly value: number }
  /** Integer from 2 to 262144. */
  | { readonly name: "os/linux/cpu-shares"; readonly value: number }
  /** Kernel parameters, e.g. `{ "net.ipv4.ip_forward": "1" }`. */
  | { readonly name: "os/unix/sysctl"; readonly value: Readonly<Record<string, string>> };

export type IsolatorName = Isolator["name"];

/**
 * An isolator that is not in appc 0.8.11. Written to the manifest as is, but NOTE: actool 0.8.11
 * rejects every unknown isolator name ("invalid isolator"), so such an image fails `actool validate`.
 */
export interface CustomIsolator {
  /** An AC identifier, e.g. `vendor.example/x`. Must not be a standard isolator name. */
  readonly name: string;
  readonly value: import("./json.js").JsonValue;
}
