/**
 * appc 0.8.11 facts the argument table relies on (checked against actool 0.8.11, Debian
 * appc-spec): the valid os/arch pairs and the isolators. Printed into nix/lib/arguments.nix too.
 */

/** Valid os/arch label pairs ("Well known labels"). */
export const OS_ARCH = {
  linux: ["amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le", "s390x"],
  freebsd: ["amd64", "i386", "arm"],
  darwin: ["x86_64", "i386"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type ACIOsName = keyof typeof OS_ARCH;
export const ALL_OS: readonly ACIOsName[] = Object.keys(OS_ARCH) as ACIOsName[];
export const ALL_ARCHS: readonly string[] = [...new Set(Object.values(OS_ARCH).flat())];

export function isValidOsArch(os: string, arch: string): boolean {
  return Object.hasOwn(OS_ARCH, os) && (OS_ARCH[os as ACIOsName] as readonly string[]).includes(arch);
}

/** The standard isolator names of appc 0.8.11 (actool rejects any other). */
export const STANDARD_ISOLATORS: readonly string[] = [
  "resource/cpu",
  "resource/memory",
  "resource/block-bandwidth",
  "resource/block-iops",
  "resource/network-bandwidth",
  "os/linux/capabilities-retain-set",
  "os/linux/capabilities-remove-set",
  "os/linux/seccomp-retain-set",
  "os/linux/seccomp-remove-set",
  "os/linux/selinux-context",
  "os/linux/no-new-privileges",
  "os/linux/oom-score-adj",
  "os/linux/cpu-shares",
  "os/unix/sysctl",
];

/** Isolators that may appear only once (actool's multipleAllowed() == false). */
export const SINGLE_ISOLATORS: readonly string[] = [
  "os/linux/seccomp-retain-set",
  "os/linux/seccomp-remove-set",
  "os/linux/selinux-context",
  "os/linux/oom-score-adj",
  "os/linux/cpu-shares",
  "os/unix/sysctl",
];

/** Pairs that cannot be used together. */
export const CONFLICTING_ISOLATORS: readonly (readonly [string, string])[] = [
  ["os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set"],
];
