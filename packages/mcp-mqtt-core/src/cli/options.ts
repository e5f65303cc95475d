import { parseArgs } from 'node:util';
import type { McpMqttClientOptions } from '../client/client.js';
import { readVariable } from '../config.js';
import { UsageError } from './errors.js';

export const USAGE = `mcp-mqtt — talk to MCP services over MQTT

Usage:
  mcp-mqtt services                          services announced on the broker
  mcp-mqtt tools <service>                   tools of a service, with their arguments
  mcp-mqtt call <service> <tool> [key=value…] call a tool (values typed by the tool's schema)
  mcp-mqtt watch                             services up/down/stale, heartbeats and events, live

Options:
  --url <url>          broker URL (env MQTT_URL or MQTT_URL_FILE, or MQTT_BROKER + MQTT_PORT; default mqtt://localhost:1883)
  --username <name>    broker user (env MQTT_USERNAME); password from MQTT_PASSWORD or MQTT_PASSWORD_FILE
  --timeout <ms>       per-call timeout (default 10000)
  --json               JSON output (watch: one object per line); errors as JSON on stderr
  --sign               sign requests with HMAC-SHA256 (env MCP_SIGN=true)
  -h, --help

API key: MCP_API_KEY or MCP_API_KEY_FILE (sent as auth.api_key).
Results go to stdout, errors to stderr. Exit status: 0 ok (also watch stopped by Ctrl-C or
SIGTERM), 1 failure (error answer, isError result, no answer, unknown or offline service),
2 usage, 130/143 a command interrupted by SIGINT/SIGTERM.`;

export interface CommandLine {
  command: string | undefined;
  args: string[];
  help: boolean;
  json: boolean;
  timeoutMs: number;
  url: string;
  username: string | undefined;
  sign: boolean;
}

function brokerFromEnv(): string {
  const url = readVariable('MQTT_URL');
  if (url) return url;
  return `mqtt://${process.env.MQTT_BROKER ?? 'localhost'}:${process.env.MQTT_PORT ?? 1883}`;
}

export function parseCommandLine(argv: string[]): CommandLine {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new UsageError(`--timeout: "${values.timeout}" is not a whole number of milliseconds ≥ 1`);
  }
  const [command, ...args] = positionals;
  return {
    command,
    args,
    help: values.help,
    json: values.json,
    timeoutMs,
    url: values.url ?? brokerFromEnv(),
    username: values.username ?? process.env.MQTT_USERNAME,
    sign: values.sign || process.env.MCP_SIGN === 'true',
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      username: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      sign: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** Client options: the command line, then the environment (secrets only from env or files). */
export function clientOptions(line: CommandLine, signal: AbortSignal): McpMqttClientOptions {
  return {
    url: line.url,
    username: line.username,
    password: readVariable('MQTT_PASSWORD'),
    apiKey: readVariable('MCP_API_KEY'),
    sign: line.sign,
    timeoutMs: line.timeoutMs,
    // A short call timeout is about the service's answer, not about reaching the broker.
    connectTimeoutMs: Math.max(10_000, line.timeoutMs),
    // Every command starts from the retained discovery documents (they arrive at once).
    watchServices: true,
    signal,
  };
}
