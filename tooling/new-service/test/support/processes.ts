import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** This process's environment without vitest's own variables, which a nested vitest run would misread. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return { ...env, ...extra };
}

/** Runs a command to its end; its output, and a failure with the tail of it. */
export function runIn(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  const { status, stdout, stderr, error } = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: environment(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (error) throw error;
  if (status !== 0)
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${status}\n${(stdout + stderr).slice(-6000)}`);
  return stdout;
}

/** A long-running process whose output is kept; `stop()` sends SIGTERM and resolves with its exit code. */
export function startProcess(cwd: string, args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn('node', args, { cwd, env: environment(env) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    /** Resolves once the output matches `pattern` (or rejects when the process ends first). */
    async waitFor(pattern: RegExp, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode} before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
