import { CoreConfigSchema, commaList, loadConfig, wholeNumber } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

const whole = (fallback: number, min: number, max: number, unit: string) =>
  wholeNumber(fallback, { min, max, unit });

/** `scheme://host[:port]`, as browsers send it in the Origin header (no path, no trailing slash). */
const OriginSchema = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) && url.origin === value.toLowerCase();
    } catch {
      return false;
    }
  }, 'each entry must be an origin such as http://localhost:8080 (scheme, host, optional port; no path)')
  .transform((value) => value.toLowerCase());

/** A host name or address as it appears in the Host header, without the port; `*` = any. */
const HostSchema = z
  .string()
  .regex(
    /^(\*|[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])$/,
    'each entry must be a host name (no port) or *',
  )
  .transform((value) => value.toLowerCase());

/**
 * The gateway's environment: the broker settings every service reads (MQTT_URL or
 * MQTT_BROKER/MQTT_PORT, MQTT_USERNAME, MQTT_PASSWORD(_FILE), LOG_LEVEL) and its own. Every
 * variable can also be read from `<NAME>_FILE`.
 */
export const GatewayConfigSchema = CoreConfigSchema.pick({
  MQTT_URL: true,
  MQTT_BROKER: true,
  MQTT_PORT: true,
  MQTT_USERNAME: true,
  MQTT_PASSWORD: true,
  LOG_LEVEL: true,
}).extend({
  /** Interface the HTTP server binds to: loopback unless told otherwise (0.0.0.0 in the image). */
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  /** Seed 002's port. 0 = any free port (tests). */
  GATEWAY_PORT: whole(3003, 0, 65535, 'port'),
  /** Browser origins allowed besides the gateway's own (the dashboard): `http://localhost:5173,…`. */
  GATEWAY_ALLOWED_ORIGINS: commaList(OriginSchema),
  /**
   * Host header values accepted besides localhost, 127.0.0.1 and [::1] (DNS rebinding
   * protection): the names other machines or containers reach the gateway by; `*` = any.
   */
  GATEWAY_ALLOWED_HOSTS: commaList(HostSchema),
  /**
   * The services exposed: ids, or patterns with `*` (`weather,ha-*`); default every service on
   * the broker. Others are ignored as if absent (not listed, not callable).
   */
  GATEWAY_SERVICES: commaList(
    z.string().regex(/^[a-z*][a-z0-9*-]{0,62}$/, 'each entry must be a service id, or a pattern with *'),
  ),
  /** Sent to the services for a request that carries no bearer token. Unset: such requests carry no key. */
  GATEWAY_API_KEY: z
    .string()
    .min(8, 'must be at least 8 characters (the services refuse shorter keys)')
    .max(512)
    .optional(),
  /** Default time a tools/call waits for its service; X-Timeout may ask for another, up to the maximum. */
  GATEWAY_CALL_TIMEOUT_S: whole(30, 1, 3600, 'seconds'),
  GATEWAY_MAX_TIMEOUT_S: whole(300, 1, 3600, 'seconds'),
  /** Largest HTTP request body; a larger one is answered 413 before it is parsed. */
  GATEWAY_MAX_BODY_BYTES: whole(1024 * 1024, 1024, 64 * 1024 * 1024, 'bytes'),
  /** MCP sessions at once; past it the idlest session without an open stream is closed. */
  GATEWAY_MAX_SESSIONS: whole(256, 1, 100_000, 'sessions'),
  /** An MCP session without requests or an open stream for this long is closed. */
  GATEWAY_SESSION_IDLE_S: whole(1800, 10, 7 * 24 * 3600, 'seconds'),
  /** Requests to the services waiting for an answer at once; past it calls are refused at once. */
  GATEWAY_MAX_IN_FLIGHT: whole(1024, 1, 100_000, 'requests'),
  /** How long a caller's tool list is reused (it is refreshed at once when a service changes). */
  GATEWAY_TOOLS_CACHE_S: whole(300, 0, 86_400, 'seconds'),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}
