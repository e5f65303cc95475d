import {
  type AnyTool,
  type CircuitBreaker,
  type DependencyReport,
  type DependencyStatus,
  defineService,
  ErrorCode,
  RpcError,
  type SetupContext,
  type Task,
} from '@neurhomia/mcp-mqtt-core';
import { CacheIndex } from './cache/cache-index.js';
import { Freshness } from './cache/freshness.js';
import { type HaBridgeConfig, HaBridgeConfigSchema } from './config.js';
import { STATE_CHANGED_EVENT, StateEvents } from './events/state-events.js';
import { HaApi } from './ha/api.js';
import { isHaFailure } from './ha/errors.js';
import { HaLink } from './ha/link.js';
import { HaRest } from './ha/rest.js';
import { Exposure } from './policy/exposure.js';
import { createCallServiceTool } from './tools/call-service.js';
import type { Bridge } from './tools/common.js';
import { createCreateAutomationTool } from './tools/create-automation.js';
import { createDomainSummaryTool } from './tools/domain-summary.js';
import { createGetEntitiesTool } from './tools/get-entities.js';
import { createGetEntityStateTool } from './tools/get-entity-state.js';
import { createGetHistoryTool } from './tools/get-history.js';
import { createGetLogbookTool } from './tools/get-logbook.js';
import { createGetServicesTool, GET_SERVICES } from './tools/get-services.js';
import { createListAreasTool } from './tools/list-areas.js';
import { createListAutomationsTool, LIST_AUTOMATIONS } from './tools/list-automations.js';
import { createRenderTemplateTool } from './tools/render-template.js';
import { createSearchEntitiesTool } from './tools/search-entities.js';
import { createTriggerAutomationTool } from './tools/trigger-automation.js';

export const DEPENDENCY = 'home-assistant';
/** Cached answers that list entities: dropped when entities appear, vanish, are renamed or move. */
export const LIST_TOOLS = ['get_entities', 'search_entities', 'domain_summary', LIST_AUTOMATIONS] as const;
const ENTITY_TOOLS = [...LIST_TOOLS, 'get_entity_state'] as const;

const RANK: Record<DependencyStatus, number> = { ok: 0, degraded: 1, down: 2 };
const CIRCUIT_STATUS = { closed: 'ok', 'half-open': 'degraded', open: 'down' } as const;

/** The connection's state and the circuit's, as one `home-assistant` dependency in health. */
function dependencyReport(link: HaLink, rest: HaRest, breaker: CircuitBreaker): DependencyReport {
  const report = link.report();
  const circuit = breaker.state;
  const circuitStatus = CIRCUIT_STATUS[circuit];
  const status = RANK[circuitStatus] > RANK[report.status] ? circuitStatus : report.status;
  const circuitReason =
    circuit === 'closed' ? undefined : `circuit ${circuit}: ${rest.lastFailure ?? 'repeated failures'}`;
  return {
    ...report,
    status,
    ...(report.reason || circuitReason ? { reason: report.reason ?? circuitReason } : {}),
    circuit,
    consecutive_failures: breaker.consecutiveFailures,
    ...(circuit === 'open' ? { retry_in_s: Math.ceil(breaker.retryInMs / 1000) } : {}),
    ...(rest.lastFailure ? { last_failure: rest.lastFailure } : {}),
  };
}

/** HA_READ_ONLY: the write tool stays answerable (unlisted) and refuses with the reason. */
function readOnly(tool: AnyTool): AnyTool {
  return {
    ...tool,
    listed: false,
    serialize: undefined,
    uses: undefined,
    permissionsFor: undefined,
    handler: () => {
      throw new RpcError(
        ErrorCode.Forbidden,
        `Forbidden: ${tool.name} is disabled, this Home Assistant bridge is read-only (HA_READ_ONLY=true)`,
        { reason: 'read_only' },
      );
    },
  };
}

export function setupHaBridge(ctx: SetupContext<HaBridgeConfig>) {
  const { config, logger } = ctx;
  const breaker = ctx.dependencies.circuitBreaker(DEPENDENCY, {
    failureThreshold: config.HA_BREAKER_FAILURES,
    resetTimeoutMs: config.HA_BREAKER_RESET_S * 1000,
    isFailure: isHaFailure,
    concurrency: config.HA_MAX_CONCURRENCY,
    maxQueue: config.HA_MAX_QUEUE,
  });
  const index = new CacheIndex(ctx.cache);
  const link = new HaLink({
    url: config.HA_URL,
    token: config.HA_TOKEN,
    demoUrl: config.HA_DEMO_URL,
    demoTokenFile: config.HA_DEMO_TOKEN_FILE,
    reconnectMaxMs: config.HA_RECONNECT_MAX_S * 1000,
    logger: logger.child({ component: 'home-assistant' }),
    onRegistriesChanged: () => index.reset(ENTITY_TOOLS),
    onServicesChanged: () => ctx.cache.invalidate(GET_SERVICES),
  });
  const rest = new HaRest(link, breaker, link, config.HA_MAX_CONCURRENCY);
  link.attach(rest);
  // Registered after the breaker, under the same name: one report with both.
  ctx.dependencies.register(DEPENDENCY, () => dependencyReport(link, rest, breaker));

  const exposure = new Exposure(config.HA_ALLOW_DOMAINS, config.HA_DENY_ENTITIES);
  const freshness = new Freshness();
  const stateEvents = new StateEvents({
    events: ctx.events,
    filter: config.HA_EVENT_FILTER,
    exposure,
    registries: link.registries,
    logger,
  });
  link.states.onChange((changes) => {
    const ids = changes.map((change) => change.entityId);
    freshness.markChanged(ids);
    index.changed(ids);
    const membership = changes.some(
      (c) =>
        !c.oldState ||
        !c.newState ||
        c.oldState.attributes.friendly_name !== c.newState.attributes.friendly_name,
    );
    if (membership) index.reset(LIST_TOOLS);
    stateEvents.publish(changes);
  });

  const bridge: Bridge = {
    config,
    api: new HaApi(rest),
    rest,
    link,
    breaker,
    exposure,
    index,
    freshness,
    invalidate: (tool, key) => ctx.cache.invalidate(tool, key),
  };
  const writes = [
    createCallServiceTool(bridge),
    createCreateAutomationTool(bridge, LIST_TOOLS),
    createTriggerAutomationTool(bridge),
  ];
  logger.info(
    {
      home_assistant: link.url ?? null,
      demo: link.demo,
      max_concurrency: config.HA_MAX_CONCURRENCY,
      read_only: config.HA_READ_ONLY,
      exposure: exposure.describe(),
      events: config.HA_EVENT_FILTER.source,
    },
    'ha-bridge configured',
  );
  if (config.HA_EVENT_FILTER.empty)
    logger.info('HA_EVENT_FILTER is empty: no state_changed events will be published');

  const linkTask: Task = {
    name: 'home-assistant-link',
    start: () => link.start(),
    stop: async () => {
      link.stop();
      await rest.close();
    },
  };
  return {
    tools: [
      createGetEntitiesTool(bridge),
      createGetEntityStateTool(bridge),
      createSearchEntitiesTool(bridge),
      createDomainSummaryTool(bridge),
      createListAreasTool(bridge),
      createGetServicesTool(bridge),
      createGetHistoryTool(bridge),
      createGetLogbookTool(bridge),
      createListAutomationsTool(bridge),
      createRenderTemplateTool(bridge),
      ...(config.HA_READ_ONLY ? writes.map(readOnly) : writes),
    ],
    tasks: [linkTask],
  };
}

export const haBridgeService = defineService({
  id: 'ha-bridge',
  name: 'Home Assistant Bridge',
  description:
    'Home Assistant entities, states, areas, services, history, logbook and automations, with a priority queue, ' +
    'one write per entity at a time, a cache kept current by live state changes, and exposure control',
  config: HaBridgeConfigSchema,
  events: [STATE_CHANGED_EVENT],
  setup: setupHaBridge,
});
