import { CoreConfigSchema, commaList, wholeNumber } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { parseEntityPatterns } from './policy/patterns.js';

const positiveInt = (fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  wholeNumber(fallback, { min, max });

/** An http(s) base URL, without a trailing slash (Home Assistant's REST API is under `/api/`). */
const baseUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) URL like http://homeassistant.local:8123')
  .transform((url) => url.replace(/\/+$/, ''))
  .optional();

const list = commaList();

const DOMAIN = /^[a-z0-9_]+$/;

export const HaBridgeConfigSchema = CoreConfigSchema.extend({
  /** Home Assistant's address, e.g. http://homeassistant.local:8123. Unset = not configured. */
  HA_URL: baseUrl,
  /** A long-lived access token (secret: also read from HA_TOKEN_FILE by the core). */
  HA_TOKEN: z.string().min(1).optional(),
  /**
   * The demo profile's simulated home, used only when HA_URL is empty: the compose stack points
   * it at its `ha-simulator` service. The token file is read at each connection attempt, so the
   * simulator may start (and write it) after the bridge.
   */
  HA_DEMO_URL: baseUrl,
  HA_DEMO_TOKEN_FILE: z.string().min(1).optional(),
  /**
   * REST requests to Home Assistant at once (the concurrency limit of every tool that calls it,
   * and the size of the HTTP connection pool behind it; see README "Connection").
   */
  HA_MAX_CONCURRENCY: positiveInt(4, 1, 32),
  /** Calls waiting for one of those slots, in priority order; -32005 past it. */
  HA_MAX_QUEUE: positiveInt(256, 1, 10_000),
  /**
   * The core's cap on requests in progress, raised from 64: the bridge's calls mostly wait (for
   * an entity's lock, for a Home Assistant slot) at no cost, and a request past the cap waits in
   * arrival order, where a critical read would queue behind writes (see README "Scheduling").
   */
  MAX_IN_FLIGHT: positiveInt(256, 1, 65_535),
  /** Only entities of these domains are visible (comma-separated; empty = every domain). */
  HA_ALLOW_DOMAINS: list.superRefine((domains, ctx) => {
    for (const domain of domains) {
      if (!DOMAIN.test(domain)) ctx.addIssue({ code: 'custom', message: `"${domain}" is not a domain` });
    }
  }),
  /** Entities hidden from every tool and event: ids or `*` globs, comma-separated. */
  HA_DENY_ENTITIES: list.transform((items, ctx) => parseEntityPatterns(items, ctx)),
  /** true = every write tool is removed (unlisted, and refused if called). */
  HA_READ_ONLY: z.stringbool().default(false),
  /** Entities whose changes are published as state_changed events: domains, ids or globs. */
  HA_EVENT_FILTER: list.transform((items, ctx) => parseEntityPatterns(items, ctx)),
  HA_CACHE_STATE_TTL_S: positiveInt(10),
  HA_CACHE_ENTITIES_TTL_S: positiveInt(60),
  HA_CACHE_SERVICES_TTL_S: positiveInt(3600),
  /** Consecutive failures (network, timeouts, 5xx) that open the circuit, and how long it stays open. */
  HA_BREAKER_FAILURES: positiveInt(5, 1, 1000),
  HA_BREAKER_RESET_S: positiveInt(30, 1, 3600),
  /** Per caller and tool: a burst of this many calls, refilled at HA_RATE_LIMIT_PER_S. */
  HA_RATE_LIMIT_BURST: positiveInt(100, 1, 100_000),
  HA_RATE_LIMIT_PER_S: positiveInt(10, 1, 100_000),
  /** Longest wait between two reconnection attempts (the backoff starts at 1 s and doubles). */
  HA_RECONNECT_MAX_S: positiveInt(30, 1, 3600),
});

export type HaBridgeConfig = z.infer<typeof HaBridgeConfigSchema>;
