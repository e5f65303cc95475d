#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { McpMqttClient } from '../client/client.js';
import { RemoteError } from '../client/errors.js';
import { readVariable } from '../config.js';
import { parseToolArguments } from './arguments.js';

const USAGE = `mcp-mqtt — talk to MCP services over MQTT

Usage:
  mcp-mqtt services                          services announced on the broker
  mcp-mqtt tools <service>                   tools of a service, with their arguments
  mcp-mqtt call <service> <tool> [key=value…] call a tool (values typed by the tool's schema)
  mcp-mqtt watch                             live discovery, heartbeats and events

Options:
  --url <url>          broker URL (env MQTT_URL, or MQTT_BROKER + MQTT_PORT; default mqtt://localhost:1883)
  --username <name>    broker user (env MQTT_USERNAME); password from MQTT_PASSWORD or MQTT_PASSWORD_FILE
  --timeout <ms>       per-call timeout (default 10000)
  --json               machine-readable output
  --sign               sign requests with HMAC-SHA256 (env MCP_SIGN=true)
  -h, --help

API key: MCP_API_KEY or MCP_API_KEY_FILE (sent as auth.api_key).`;

function brokerFromEnv(): string {
  if (process.env.MQTT_URL) return process.env.MQTT_URL;
  return `mqtt://${process.env.MQTT_BROKER ?? 'localhost'}:${process.env.MQTT_PORT ?? 1883}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
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
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const timeoutMs = values.timeout ? Number(values.timeout) : 10_000;
  const client = await McpMqttClient.connect({
    url: values.url ?? brokerFromEnv(),
    username: values.username ?? process.env.MQTT_USERNAME,
    password: readVariable('MQTT_PASSWORD'),
    apiKey: readVariable('MCP_API_KEY'),
    sign: values.sign || process.env.MCP_SIGN === 'true',
    timeoutMs,
  });
  const print = (value: unknown, text: () => string) =>
    process.stdout.write(`${values.json ? JSON.stringify(value, null, 2) : text()}\n`);
  try {
    switch (command) {
      case 'services': {
        const services = await client.listServices();
        print(
          services.map((s) => s.discovery),
          () =>
            services.length === 0
              ? 'no service announced'
              : services
                  .map(
                    (s) =>
                      `${s.serviceId.padEnd(20)} ${s.discovery.status.padEnd(8)} v${s.discovery.version}  ${s.discovery.capabilities.tools.join(', ')}`,
                  )
                  .join('\n'),
        );
        return 0;
      }
      case 'tools': {
        const [service] = rest;
        if (!service) throw new UsageError('tools <service>');
        const tools = await client.listTools(service);
        print(tools, () =>
          tools
            .map((tool) => {
              const schema = tool.inputSchema as {
                properties?: Record<string, { type?: string; description?: string }>;
                required?: string[];
              };
              const args = Object.entries(schema.properties ?? {})
                .map(
                  ([name, p]) =>
                    `    ${name}${schema.required?.includes(name) ? '' : '?'}: ${p.type ?? 'any'}${p.description ? ` — ${p.description}` : ''}`,
                )
                .join('\n');
              return `${tool.name} — ${tool.description}${args ? `\n${args}` : ''}`;
            })
            .join('\n'),
        );
        return 0;
      }
      case 'call': {
        const [service, tool, ...words] = rest;
        if (!service || !tool) throw new UsageError('call <service> <tool> [key=value…]');
        const descriptor = (await client.listTools(service)).find((t) => t.name === tool);
        const args = parseToolArguments(words, descriptor?.inputSchema as never);
        const result = await client.callTool(service, tool, args, { timeoutMs });
        print(result, () => JSON.stringify(result.structuredContent ?? result.content, null, 2));
        return result.isError ? 1 : 0;
      }
      case 'watch': {
        client.on('up', (s) =>
          print(
            { type: 'up', service: s.serviceId },
            () => `${new Date().toISOString()} up      ${s.serviceId}`,
          ),
        );
        client.on('down', (s, why) =>
          print(
            { type: 'down', service: s.serviceId, why },
            () => `${new Date().toISOString()} down    ${s.serviceId} (${why})`,
          ),
        );
        client.on('event', (e) =>
          print(
            { type: 'event', ...e },
            () =>
              `${new Date().toISOString()} event   ${e.serviceId}/${e.event} ${JSON.stringify(e.payload)}`,
          ),
        );
        await client.watchServices();
        await client.subscribeEvents();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await client.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`usage: mcp-mqtt ${err.message}\n`);
    else if (err instanceof RemoteError) {
      process.stderr.write(
        `error ${err.code}: ${err.message}${err.data ? `\n${JSON.stringify(err.data, null, 2)}` : ''}\n`,
      );
    } else process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
