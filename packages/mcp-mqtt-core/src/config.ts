import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { commaList } from './config-fields.js';
import { isValidServiceId } from './protocol/topics.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const seconds = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .default(fallback);

const optionalPort = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a port number')
  .min(1, 'must be a port number')
  .max(65535, 'must be a port number')
  .optional();

/**
 * Environment shared by every service. A service extends it:
 * `export const ConfigSchema = CoreConfigSchema.extend({ MY_VAR: z.string() })`.
 * Environment strings are converted here (numbers, enums); request arguments never are.
 */
export const CoreConfigSchema = z.object({
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, 'must be a URL like mqtt://host:1883')
    .optional(),
  MQTT_BROKER: z.string().min(1).optional(),
  MQTT_PORT: optionalPort,
  MQTT_USERNAME: z.string().min(1).optional(),
  MQTT_PASSWORD: z.string().optional(),
  MCP_SERVICE_ID: z
    .string()
    .refine(isValidServiceId, 'must match ^[a-z][a-z0-9-]{0,62}$ and not be "system" or "clients"')
    .optional(),
  HEARTBEAT_INTERVAL: seconds(30),
  DISCOVERY_INTERVAL: seconds(60),
  LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  /**
   * Level of the log mirror on `mcp/{id}/logs` (stdout keeps LOG_LEVEL). Warnings and errors by
   * default: the mirror is for monitors, the audit trail of every call stays on stdout.
   */
  MQTT_LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('warn'),
  MCP_API_KEYS: z.string().optional(),
  /** Require an HMAC signature on every authenticated request. */
  MCP_REQUIRE_SIGNATURE: z.stringbool().default(false),
  HTTP_PORT: optionalPort,
  HTTP_HOST: z.string().default('0.0.0.0'),
  /**
   * Requests executing at once. Also announced as MQTT 5 Receive Maximum (the broker's window of
   * unacknowledged deliveries). Past the cap requests wait in a queue of 16× this size; past the
   * queue they are refused at once with -32005, so a flood costs the service nothing.
   */
  MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(65535).default(64),
  MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  /** Most requests in one JSON-RPC batch (-32600 past it): a 20 KB batch must not cost 1 MB of answer. */
  MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * Largest answer in bytes; the broker's Maximum Packet Size (CONNACK) lowers it further. A larger
   * answer is replaced by a short -32000 error naming the limit.
   */
  MAX_ANSWER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  /** MQTT 5 Response Topic and Correlation Data caps, checked before anything is stored. */
  MAX_RESPONSE_TOPIC_BYTES: z.coerce.number().int().min(16).max(65_535).default(256),
  MAX_CORRELATION_BYTES: z.coerce.number().int().min(8).max(65_535).default(128),
  /**
   * Share group of the request subscription (`$share/{group}/mcp/{id}/jsonrpc/request`), the same
   * for every replica; default: the service id. A secret one (MCP_SHARE_GROUP_FILE) stops a
   * client from joining the group and taking requests away from the service.
   */
  MCP_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters among A-Z a-z 0-9 _ -')
    .optional(),
  /**
   * Clients that relay other callers' requests (the HTTP gateway): answers to their inbox are
   * given for any key, since the relay, alone able to read its inbox, matches them by
   * unguessable Correlation Data. Comma-separated MQTT user names.
   */
  MCP_RELAY_CLIENTS: commaList(),
  /** Calls waiting on one serialisation key (per entity, per container); -32005 past it. */
  MAX_WAITERS_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(32),
});
export type CoreConfig = z.infer<typeof CoreConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A variable from the environment, or from the file named by `<NAME>_FILE` (Docker and compose
 * secrets; one trailing newline dropped). Setting both is refused: silently preferring one hides
 * mistakes. Empty means unset.
 */
export function readVariable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return direct === '' ? undefined : direct;
  if (direct !== undefined && direct !== '')
    throw new Error(`${name} and ${name}_FILE are both set: keep one`);
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function resolveFileVariables(keys: readonly string[], env: NodeJS.ProcessEnv, problems: string[]) {
  const resolved: Record<string, string | undefined> = {};
  for (const key of keys) {
    try {
      resolved[key] = readVariable(key, env);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return resolved;
}

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const problems: string[] = [];
  const values = resolveFileVariables(Object.keys(schema.shape), env, problems);
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'config');
      const got = values[name];
      const secret = /PASSWORD|KEY|TOKEN|SECRET|SHARE_GROUP/.test(name);
      problems.push(`${name}: ${issue.message}${got === undefined || secret ? '' : ` (got "${got}")`}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data as z.infer<Schema>;
}

/** The broker URL from MQTT_URL, or MQTT_BROKER + MQTT_PORT, or localhost. */
export function brokerUrl(config: Pick<CoreConfig, 'MQTT_URL' | 'MQTT_BROKER' | 'MQTT_PORT'>): string {
  if (config.MQTT_URL) return config.MQTT_URL;
  return `mqtt://${config.MQTT_BROKER ?? 'localhost'}:${config.MQTT_PORT ?? 1883}`;
}
