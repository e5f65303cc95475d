import type { Logger } from 'pino';
import { silentLogger } from '../observability/logger.js';
import type { Task, TaskContext } from './define.js';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  /** Run once right away (in the background: a slow first round never delays the start). Default true. */
  runAtStart?: boolean;
  /** One round. `signal` aborts when the service stops. */
  run(signal: AbortSignal, logger: Logger): Promise<void> | void;
}

export interface PeriodicTask extends Task {
  /** Runs a round now (or joins the one running) and resolves when it ends; errors reject. */
  runOnce(): Promise<void>;
}

/**
 * A task that runs `run` every `intervalMs`: rounds never overlap (a round still running when the
 * next is due makes it skip), errors are logged and never stop the task, and `stop` aborts the
 * round in progress and waits for it.
 */
export function periodicTask(options: PeriodicTaskOptions): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;
  let context: TaskContext | undefined;

  const runOnce = (): Promise<void> => {
    if (running) return running;
    controller = new AbortController();
    const signal = context ? AbortSignal.any([controller.signal, context.signal]) : controller.signal;
    const logger = context?.logger ?? silentLogger();
    running = Promise.resolve()
      .then(() => options.run(signal, logger))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const tick = () => {
    if (running) {
      context?.logger.debug({ task: options.name }, 'previous round still running; this one is skipped');
      return;
    }
    runOnce().catch((err: unknown) =>
      context?.logger.error({ err, task: options.name }, 'task round failed'),
    );
  };

  return {
    name: options.name,
    runOnce,
    start(ctx: TaskContext) {
      context = ctx;
      if (options.runAtStart ?? true) tick();
      timer = setInterval(tick, options.intervalMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      controller?.abort(new Error(`${options.name} stopping`));
      await running?.catch(() => undefined);
    },
  };
}
