/**
 * What the sandbox does with app.isolators. Enforced: os/linux/capabilities-retain-set and
 * -remove-set (the capability set of a root app, via bwrap --cap-drop/--cap-add) and
 * os/linux/no-new-privileges (bwrap always sets no_new_privs). Everything else is named in a
 * warning: an isolator is never dropped silently.
 */
import type { Isolator } from "../image/index.js";
import { RunError } from "./errors.js";

/** rkt's default capability set for apps (the same set Docker uses). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_AUDIT_WRITE",
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_KILL",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_NET_BIND_SERVICE",
  "CAP_SETUID",
  "CAP_SETGID",
  "CAP_SETPCAP",
  "CAP_SETFCAP",
  "CAP_SYS_CHROOT",
];

/** Linux capabilities by number (capability.h); names outside this list are refused. */
export const KNOWN_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
];

const RETAIN = "os/linux/capabilities-retain-set";
const REMOVE = "os/linux/capabilities-remove-set";
const NO_NEW_PRIVILEGES = "os/linux/no-new-privileges";

export interface IsolatorPlan {
  /** Capabilities a root (uid 0) app keeps; a non-root app never has any. */
  readonly capabilities: readonly string[];
  readonly warnings: readonly string[];
}

function capabilitySet(isolator: Isolator): string[] {
  const value = isolator.value as { set?: unknown } | null;
  const set = value?.set;
  if (!Array.isArray(set) || set.some((name) => typeof name !== "string")) {
    throw new RunError(`isolator ${isolator.name}: value must be {"set": ["CAP_...", ...]}`);
  }
  return set.map((name: string) => {
    const upper = name.toUpperCase();
    const canonical = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
    if (!KNOWN_CAPABILITIES.includes(canonical)) throw new RunError(`isolator ${isolator.name}: unknown capability '${name}'`);
    return canonical;
  });
}

export function planIsolators(isolators: readonly Isolator[]): IsolatorPlan {
  const warnings: string[] = [];
  const retain = isolators.filter((i) => i.name === RETAIN);
  const remove = isolators.filter((i) => i.name === REMOVE);
  if (retain.length > 0 && remove.length > 0) {
    throw new RunError(`isolators ${RETAIN} and ${REMOVE} cannot be used together (as in rkt)`);
  }
  let capabilities = [...DEFAULT_CAPABILITIES];
  if (retain.length > 0) capabilities = [...new Set(retain.flatMap(capabilitySet))];
  if (remove.length > 0) {
    const removed = new Set(remove.flatMap(capabilitySet));
    capabilities = capabilities.filter((cap) => !removed.has(cap));
  }

  const unenforced: string[] = [];
  for (const isolator of isolators) {
    if (isolator.name === RETAIN || isolator.name === REMOVE) continue;
    if (isolator.name === NO_NEW_PRIVILEGES) {
      if (isolator.value === false) {
        warnings.push(`isolator ${NO_NEW_PRIVILEGES}=false cannot be honoured: bubblewrap always sets no_new_privs (setuid programs will not gain privileges)`);
      }
      continue;
    }
    unenforced.push(isolator.name);
  }
  if (unenforced.length > 0) {
    warnings.push(`isolators not enforced by nix2aci run (bubblewrap has no equivalent): ${[...new Set(unenforced)].join(", ")}`);
  }
  return { capabilities, warnings };
}
