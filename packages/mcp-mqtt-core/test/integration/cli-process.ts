import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './helpers.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const NODE_ARGS = ['--conditions=@neurhomia/source', '--import', 'tsx', CLI];

/** The CLI's environment: the test broker, and none of the caller's MQTT/MCP variables. */
function cliEnv(url: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(MQTT_|MCP_)/.test(name)),
  ) as Record<string, string>;
  return { ...clean, MQTT_URL: url, ...env };
}

export interface CliRun extends ChildProcess {
  stdoutText(): string;
  stderrText(): string;
  /** stdout split into lines (complete ones only). */
  lines(): string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `mcp-mqtt …` as its own process (tsx, from src), as a user would run it. */
export function spawnCli(url: string, args: string[], env: Record<string, string> = {}): CliRun {
  return spawnProcess([...NODE_ARGS, ...args], cliEnv(url, env));
}

/** Starts `node …args` with exactly `env`, its output collected. */
export function spawnProcess(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return Object.assign(child, {
    stdoutText: () => stdout,
    stderrText: () => stderr,
    lines: () => stdout.split('\n').slice(0, -1),
    exited,
  });
}

/** Runs `mcp-mqtt …` to its end. */
export async function runCli(url: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnCli(url, args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdoutText(), stderr: run.stderrText() };
}

/** The parsed NDJSON lines of a `--json` stream that satisfy `match`, once there is one. */
export async function waitForJsonLine(
  run: CliRun,
  match: (line: Record<string, unknown>) => boolean,
  what: string,
) {
  return waitFor(
    () =>
      run
        .lines()
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find(match),
    20_000,
    `${what} (stdout so far: ${run.stdoutText()}; stderr: ${run.stderrText()})`,
  );
}
