/**
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT for the whole of a run. While the app runs they go to it
 * (through `forward`); before it starts they abort the preparation (unpacking, copying the root),
 * which then cleans up after itself and fails with 128+N; once it has ended they are ignored, so
 * the run's root is always removed.
 */
import { constants } from "node:os";
import { RunError } from "./errors.js";

const HANDLED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

export type Forward = (signal: NodeJS.Signals) => void;

export class RunSignals {
  private readonly controller = new AbortController();
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private forward: Forward | undefined;
  private finished = false;

  constructor() {
    for (const signal of HANDLED) {
      const handler = (): void => this.receive(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Aborted (with a RunError as reason) when a signal arrives while nothing runs. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private receive(signal: NodeJS.Signals): void {
    if (this.forward !== undefined) {
      this.forward(signal);
      return;
    }
    if (this.finished || this.controller.signal.aborted) return;
    const number = constants.signals[signal] ?? 0;
    this.controller.abort(new RunError(`interrupted by ${signal} before the app started (nothing was left behind)`, { exitStatus: 128 + number }));
  }

  /** Throws the interruption, if one came. */
  check(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
  }

  /** Sends signals to `forward` while `body` runs (a sandboxed process). */
  async forwardingTo<T>(forward: Forward, body: () => Promise<T>): Promise<T> {
    this.check();
    this.forward = forward;
    try {
      return await body();
    } finally {
      this.forward = undefined;
    }
  }

  /** From now on signals are ignored (the app is done; only cleaning up remains). */
  finish(): void {
    this.finished = true;
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}
