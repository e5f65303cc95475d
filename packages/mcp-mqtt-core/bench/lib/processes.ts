import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Every child the bench started; all of them are killed at the end, even on error or Ctrl-C. */
const children = new Set<ChildProcess>();
/** Synchronous last-resort cleanups (e.g. `docker rm -f` of a fallback broker container). */
const exitHooks: Array<() => void> = [];

function killNow() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const hook of exitHooks.splice(0)) {
    try {
      hook();
    } catch {
      // best effort: the process is going away
    }
  }
}
process.on('exit', killNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killNow();
    process.exit(130);
  });
}

export function onExit(hook: () => void) {
  exitHooks.push(hook);
}

export function removeDockerOnExit(containerId: string) {
  onExit(() => execFileSync('docker', ['rm', '-f', containerId], { stdio: 'ignore' }));
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** File that receives stdout and stderr (as a container's log would); default: discarded. */
  logFile?: string;
  /** Keep stdout as a pipe (to read a "ready" line); stderr still goes to the log. */
  pipeStdout?: boolean;
}

export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const log = options.logFile ? openSync(options.logFile, 'w') : 'ignore';
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.pipeStdout ? 'pipe' : log, log],
  });
  if (typeof log === 'number') closeSync(log);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A TypeScript file of the bench, run by Node with tsx's loader. */
export function spawnTs(file: string, options: SpawnOptions = {}): ChildProcess {
  return spawnChild(process.execPath, ['--import', 'tsx', file], options);
}

/** Resolves with the first stdout line matching `pattern`; rejects on exit or timeout. */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = buffered.match(pattern);
      if (match) finish(undefined, match);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`process exited (code ${code}) before printing ${pattern}`));
    const finish = (error?: Error, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if still alive after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

/**
 * Memory of a process from /proc/<pid>/status, in MB: VmRSS (what `ps` and the brief's target
 * use) and RssAnon (the process's own memory, without the shared pages of the node binary).
 */
export function memoryOf(pid: number): { rssMb: number; anonMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'))?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, all threads) a process has used so far, in ms; from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
