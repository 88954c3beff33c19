/**
 * One progress line on a terminal for work that takes a while (the first unpack, a signature
 * check, `image gc`): `unpacking example.org/app: 41.4 MiB of 138.0 MiB (62.1 MiB/s)`, redrawn at
 * most ten times a second and erased when done. Nothing at all when stderr is not a terminal.
 */
import { formatSize } from "../cli/size.js";

export interface Progress {
  /** `done` of the total so far (bytes, unless the line counts something else). */
  update(done: number): void;
  /** Erases the line. */
  finish(): void;
}

/** Makes a progress line for `label` (or none); tests and quiet callers pass `noProgress`. */
export type ProgressFactory = (label: string, total: number, unit?: "bytes" | "items") => Progress | undefined;

export const noProgress: ProgressFactory = () => undefined;

const REDRAW_MS = 100;

/** A progress line on `stream` when it is a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  return (label, total, unit = "bytes") => {
    if (stream.isTTY !== true) return undefined;
    const started = Date.now();
    let drawn = 0;
    const show = (done: number): string => (unit === "bytes" ? formatSize(done) : String(done));
    return {
      update(done) {
        const now = Date.now();
        if (now - drawn < REDRAW_MS) return;
        drawn = now;
        const seconds = (now - started) / 1000;
        const rate = unit === "bytes" && seconds > 0.2 ? ` (${formatSize(done / seconds)}/s)` : "";
        const line = `${label}: ${show(done)} of ${show(total)}${rate}`;
        // A pty whose size was never set reports 0 columns: then assume 80.
        const columns = stream.columns > 0 ? stream.columns : 80;
        stream.write(`\r\x1b[K${line.slice(0, Math.max(20, columns - 1))}`);
      },
      finish() {
        if (drawn !== 0) stream.write("\r\x1b[K");
      },
    };
  };
}
