import { exitCodeOfSignal, InterruptedError } from './errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * SIGINT and SIGTERM end every command promptly: the first one aborts what the command waits
 * for (the command then closes its MQTT connection and exits); a second one exits at once.
 * Handling SIGTERM matters in a container, where the CLI may run as PID 1 and the default
 * action does not apply.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private received: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor() {
    for (const signal of SIGNALS) {
      const handler = () => {
        if (this.received) process.exit(exitCodeOfSignal(signal));
        this.received = signal;
        this.controller.abort(new InterruptedError(signal));
      };
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Aborted (with an InterruptedError as reason) when the first signal arrives. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves when a signal arrives. */
  wait(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      if (this.received) resolve(this.received);
      else this.signal.addEventListener('abort', () => resolve(this.received!), { once: true });
    });
  }

  /** The work's outcome, unless a signal comes first: then an InterruptedError naming `waitingFor`. */
  race<T>(work: Promise<T>, waitingFor?: string): Promise<T> {
    const interrupted = this.wait().then((signal) => {
      throw new InterruptedError(signal, waitingFor);
    });
    return Promise.race([work, interrupted]);
  }

  dispose() {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}
