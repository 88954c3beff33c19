/** Small Markdown helpers shared by the benchmark reports. */

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const secs = (s: number): string => (s < 10 ? s.toFixed(2) : s.toFixed(1)) + " s";
export const ms = (s: number): string => `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
export const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
export const bytes = (n: number): string =>
  n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
export const ratio = (r: number): string => `${r.toFixed(2)}×`;
export const yesNo = (b: boolean): string => (b ? "yes" : "**NO**");

/** The median and the spread, e.g. "3.21 s (3.10–3.40)". */
export function spread(summary: { medianSeconds: number; minSeconds: number; maxSeconds: number; runs: number }): string {
  if (summary.runs === 1) return secs(summary.medianSeconds);
  return `${secs(summary.medianSeconds)} (${summary.minSeconds.toFixed(2)}–${summary.maxSeconds.toFixed(2)})`;
}
