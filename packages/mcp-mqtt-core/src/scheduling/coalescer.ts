import { untilAborted } from './abort.js';

interface Shared<T> {
  promise: Promise<T>;
  /** Callers still waiting for it; when the last one leaves, the work is aborted. */
  participants: number;
  controller: AbortController;
}

/**
 * Identical calls that arrive while one is running share its execution and its answer. Each
 * participant may leave (its own cancellation) without disturbing the others; the work itself
 * is aborted only when nobody waits for it any more.
 */
export class Coalescer<T> {
  private readonly running = new Map<string, Shared<T>>();

  get size(): number {
    return this.running.size;
  }

  /**
   * Runs `work` for `key` unless it is already running, and waits for it as one participant.
   * `joined` is called when the call shares an execution started by another.
   */
  run(
    key: string,
    signal: AbortSignal,
    work: (signal: AbortSignal) => Promise<T>,
    joined?: () => void,
  ): Promise<T> {
    let shared = this.running.get(key);
    if (shared) joined?.();
    else {
      const controller = new AbortController();
      const created: Shared<T> = { promise: undefined as unknown as Promise<T>, participants: 0, controller };
      created.promise = work(controller.signal).finally(() => {
        if (this.running.get(key) === created) this.running.delete(key);
      });
      // Participants observe failures themselves; this copy only keeps an unobserved rejection quiet.
      created.promise.catch(() => {});
      this.running.set(key, created);
      shared = created;
    }
    const current = shared;
    current.participants += 1;
    const leave = () => {
      current.participants -= 1;
      if (current.participants === 0) {
        if (this.running.get(key) === current) this.running.delete(key);
        current.controller.abort(signal.reason);
      }
    };
    return untilAborted(current.promise, signal).then(
      (value) => {
        current.participants -= 1;
        return value;
      },
      (error: unknown) => {
        if (signal.aborted) leave();
        else current.participants -= 1;
        throw error;
      },
    );
  }
}
