/**
 * Issue 15: `nix2aci run`, `verify` and `inspect` on fat images (busybox and about 10, 100, 500 MiB)
 * (bench/fixtures/images.nix), each beside its floor measured in the same run:
 *   first run  (empty store, --insecure-options=image) vs `gzip -dc | tee >(sha512sum) | tar -x`
 *   first run, signed (the signature checked too)
 *   warm run   (signed, image stored, file unchanged)  vs `bwrap --ro-bind ROOTFS/bin /bin … /bin/true`
 *   verify     (keys trusted for the name; and --key)  vs `gpg --verify`
 *   inspect                                            vs `gzip -dc | sha512sum`
 * The CLI runs as installed (`node bin/nix2aci.js`, dist/ compiled first), a cold process each
 * time. The commands of one round are interleaved so that load from elsewhere hits them alike.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bytes, ratio, secs, spread, table } from "./support/format.js";
import { imageBuildArgs } from "./support/images.js";
import { measure, measureShell, median, summarize, type Measured, type Summary } from "./support/measure.js";
import { aciIn, nixBuild, repoRoot, workDir } from "./support/nix.js";

interface BenchOptions {
  readonly smoke: boolean;
}

const COMMANDS = ["floorUnpack", "firstRun", "firstRunSigned", "floorBwrap", "warmRun", "gpg", "verify", "verifyKey", "floorHash", "inspect"] as const;
type CommandName = (typeof COMMANDS)[number];

interface SizeResult {
  readonly mib: number;
  readonly aciBytes: number;
  readonly summaries: Readonly<Record<CommandName, Summary>>;
}

const nix2aci = path.join(repoRoot, "bin/nix2aci.js");
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

function measureSize(mib: number, runs: number, gnupg: string, keyFile: string): SizeResult {
  const work = workDir(`start/${mib}mib`);
  const [out] = nixBuild(imageBuildArgs("fatBusybox", { mib }, "start"));
  if (out === undefined) throw new Error("nix-build gave no image path");
  const aci = path.join(work, "image.aci");
  rmSync(aci, { force: true });
  copyFileSync(aciIn(out), aci);
  chmodSync(aci, 0o644);
  execFileSync("gpg", ["--batch", "--yes", "--armor", "--detach-sign", "--output", `${aci}.asc`, aci], { env: { ...process.env, GNUPGHOME: gnupg } });
  const trust = path.join(work, "trust");
  rmSync(trust, { recursive: true, force: true });
  execFileSync(process.execPath, [nix2aci, "trust", "--prefix=bench.example", keyFile], { env: { ...process.env, NIX2ACI_TRUST_DIR: trust } });
  const env = (cache: string): NodeJS.ProcessEnv => ({ ...process.env, NIX2ACI_CACHE_DIR: cache, NIX2ACI_TRUST_DIR: trust, GNUPGHOME: gnupg });

  // The warm store: filled once (not counted), then every warm run reuses it.
  const warm = path.join(work, "warm-cache");
  rmSync(warm, { recursive: true, force: true });
  measure([process.execPath, nix2aci, "run", aci], { env: env(warm) });
  const stored = readdirSync(path.join(warm, "images")).filter((name) => name.startsWith("sha512-"));
  if (stored.length !== 1) throw new Error(`expected one stored image in ${warm}, found ${stored.join(", ")}`);
  const rootfs = path.join(warm, "images", stored[0] as string, "rootfs");

  const fresh = path.join(work, "fresh");
  const measured: Record<CommandName, Measured[]> = Object.fromEntries(COMMANDS.map((name) => [name, []])) as unknown as Record<CommandName, Measured[]>;
  const freshDir = (): string => {
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(fresh, { recursive: true });
    return fresh;
  };
  const commands: Record<CommandName, () => Measured> = {
    floorUnpack: () => measureShell(`gzip -dc ${quote(aci)} | tee >(sha512sum > /dev/null) | tar -x -C ${quote(freshDir())}`),
    firstRun: () => measure([process.execPath, nix2aci, "run", "--insecure-options=image", aci], { env: env(freshDir()) }),
    firstRunSigned: () => measure([process.execPath, nix2aci, "run", aci], { env: env(freshDir()) }),
    // bwrap's own tmpfs root with the image's folders bound in (the image has no /proc, /dev to mount on).
    floorBwrap: () => measure(["bwrap", ...readdirSync(rootfs).flatMap((name) => ["--ro-bind", path.join(rootfs, name), `/${name}`]), "--proc", "/proc", "--dev", "/dev", "--unshare-pid", "/bin/true"]),
    warmRun: () => measure([process.execPath, nix2aci, "run", aci], { env: env(warm) }),
    gpg: () => measure(["gpg", "--batch", "--verify", `${aci}.asc`, aci], { env: env(warm) }),
    verify: () => measure([process.execPath, nix2aci, "verify", aci], { env: env(warm) }),
    verifyKey: () => measure([process.execPath, nix2aci, "verify", "--key", keyFile, aci], { env: env(warm) }),
    floorHash: () => measureShell(`gzip -dc ${quote(aci)} | sha512sum > /dev/null`),
    inspect: () => measure([process.execPath, nix2aci, "inspect", aci], { env: env(warm) }),
  };
  for (let round = 0; round < runs; round++) {
    for (const name of COMMANDS) measured[name].push(commands[name]());
  }
  rmSync(fresh, { recursive: true, force: true });
  const summaries = Object.fromEntries(COMMANDS.map((name) => [name, summarize(measured[name])])) as Record<CommandName, Summary>;
  return { mib, aciBytes: statSync(aci).size, summaries };
}

function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(", ");
}

export default async function bench(options: BenchOptions): Promise<string> {
  const runs = options.smoke ? 1 : 3;
  const sizes = options.smoke ? [10] : [10, 100, 500];
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: repoRoot, stdio: "inherit" });
  const gnupg = path.join(workDir("start"), "gnupg");
  rmSync(gnupg, { recursive: true, force: true });
  mkdirSync(gnupg, { mode: 0o700 });
  const gpgEnv = { ...process.env, GNUPGHOME: gnupg };
  execFileSync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", "Bench <bench@nix2aci.test>", "rsa2048", "sign", "never"], { env: gpgEnv, stdio: "ignore" });
  const keyFile = path.join(gnupg, "key.asc");
  execFileSync("gpg", ["--batch", "--armor", "--output", keyFile, "--export", "bench@nix2aci.test"], { env: gpgEnv });

  const loadBefore = loadAverage();
  let results: SizeResult[];
  try {
    results = sizes.map((mib) => measureSize(mib, runs, gnupg, keyFile));
  } finally {
    // The agent gpg started for this home folder, also when a measurement failed.
    execFileSync("gpgconf", ["--homedir", gnupg, "--kill", "gpg-agent"], { stdio: "ignore" });
  }
  const loadAfter = loadAverage();

  const m = (result: SizeResult, name: CommandName): number => result.summaries[name].medianSeconds;
  const rows = results.flatMap((result) => {
    const size = `${result.mib} MiB (${bytes(result.aciBytes)} .aci)`;
    // A `|` inside a cell would end it.
    const row = (label: string, name: CommandName, floorName: CommandName | undefined, compare: (value: number, floorValue: number) => string): string[] => [
      size,
      label.replaceAll("|", "\\|"),
      spread(result.summaries[name]),
      floorName === undefined ? "" : spread(result.summaries[floorName]),
      floorName === undefined ? "" : compare(m(result, name), m(result, floorName)),
    ];
    const times = (value: number, floorValue: number): string => ratio(value / floorValue);
    const plus = (value: number, floorValue: number): string => `+${secs(value - floorValue)}`;
    return [
      row("first run (--insecure-options=image) / gzip -dc | tee >(sha512sum) | tar -x", "firstRun", "floorUnpack", times),
      row("first run, signed / the same floor", "firstRunSigned", "floorUnpack", times),
      row("warm run, signed / bwrap /bin/true", "warmRun", "floorBwrap", plus),
      row("verify (trusted keys) / gpg --verify", "verify", "gpg", times),
      row("verify --key / gpg --verify", "verifyKey", "gpg", times),
      row("inspect / gzip -dc | sha512sum", "inspect", "floorHash", times),
    ];
  });
  const at500 = results.find((result) => result.mib === 500);
  const verdicts =
    at500 === undefined
      ? ""
      : `\nTargets at 500 MiB: warm run overhead +${secs(m(at500, "warmRun") - m(at500, "floorBwrap"))} (≤ +0.30 s); ` +
        `first run ${ratio(m(at500, "firstRun") / m(at500, "floorUnpack"))} its floor (≤ 1.5×); ` +
        `verify ${ratio(m(at500, "verify") / m(at500, "gpg"))}, with --key ${ratio(m(at500, "verifyKey") / m(at500, "gpg"))} gpg --verify (≤ 1.2×).\n`;
  return (
    `## nix2aci run, verify, inspect: fat images beside their floors\n\n` +
    `\`bench/start.bench.ts\` (\`npm run bench start\`): fat images of bench/fixtures/images.nix (busybox and a generated closure), ` +
    `signed with a throwaway RSA key that is trusted for the name. \`node bin/nix2aci.js\` (compiled dist/), a cold process each time. ` +
    `Median of ${runs} run(s) (min–max); the commands of one round are interleaved. Ratios are of medians. ` +
    `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.\n\n` +
    `${table(["image", "command / floor", "nix2aci", "floor", "ratio"], rows)}\n${verdicts}`
  );
}
