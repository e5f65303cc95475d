import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { periodicTask } from '../../../src/service/periodic.js';

function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('periodicTask', () => {
  it('runs at start and every interval, never two rounds at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let rounds = 0;
    const task = periodicTask({
      name: 'slow',
      intervalMs: 20,
      run: async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        rounds += 1;
        await sleep(70); // longer than the interval: the next ticks must skip
        running -= 1;
      },
    });
    const { logger, lines } = memoryLogger();
    task.start({ logger, signal: new AbortController().signal });
    await until(() => rounds >= 3);
    await task.stop();
    expect(maxRunning).toBe(1);
    expect(lines.some((l) => String(l.msg).includes('still running'))).toBe(true);
  });

  it('logs a failing round and keeps going', async () => {
    let rounds = 0;
    const task = periodicTask({
      name: 'flaky',
      intervalMs: 15,
      run: () => {
        rounds += 1;
        if (rounds === 1) throw new Error('upstream down');
      },
    });
    const { logger, lines } = memoryLogger();
    task.start({ logger, signal: new AbortController().signal });
    await until(() => rounds >= 3);
    await task.stop();
    expect(lines.find((l) => l.msg === 'task round failed')).toMatchObject({
      level: 50,
      task: 'flaky',
      err: { message: 'upstream down' },
    });
  });

  it('aborts the round in progress on stop and waits for it', async () => {
    let sawAbort = false;
    let finished = false;
    const task = periodicTask({
      name: 'long',
      intervalMs: 60_000,
      run: async (signal) => {
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        sawAbort = signal.aborted;
        await sleep(20);
        finished = true;
      },
    });
    const { logger } = memoryLogger();
    task.start({ logger, signal: new AbortController().signal });
    await sleep(10);
    await task.stop();
    expect(sawAbort).toBe(true);
    expect(finished).toBe(true);
  });

  it('does not run at start when told so, and runOnce joins a running round', async () => {
    let rounds = 0;
    const task = periodicTask({
      name: 'manual',
      intervalMs: 60_000,
      runAtStart: false,
      run: async () => {
        rounds += 1;
        await sleep(20);
      },
    });
    const { logger } = memoryLogger();
    task.start({ logger, signal: new AbortController().signal });
    await sleep(30);
    expect(rounds).toBe(0);
    await Promise.all([task.runOnce(), task.runOnce()]);
    expect(rounds).toBe(1);
    await task.stop();
  });
});
