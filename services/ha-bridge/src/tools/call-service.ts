import { defineTool, ErrorCode, grants, RpcError, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { boundValue } from '../format/bounds.js';
import { compactEntity } from '../format/entity.js';
import { writeRefused } from '../ha/api.js';
import { HA_ADMIN, HA_WRITE, isAdminService, isSensitive } from '../policy/sensitive.js';
import {
  namedEntityIds,
  type ResolvedTarget,
  resolveServiceTarget,
  type ServiceTargetInput,
  type World,
} from '../policy/targets.js';
import {
  type Bridge,
  CATEGORY,
  domainArg,
  haCall,
  rateLimit,
  visibleStates,
  WRITE_ANNOTATIONS,
  WRITE_TIMEOUT_MS,
} from './common.js';

/** Service data far larger than any real call (a notification with a long message is ~1 KB). */
const MAX_DATA_CHARS = 16 * 1024;
const MAX_CHANGED_SHOWN = 20;

const ids = z.union([z.string().min(1).max(2_000), z.array(z.string().min(1).max(255)).min(1).max(200)]);

const InputSchema = z.object({
  domain: domainArg.describe('The service domain: light, switch, climate, cover, notify…'),
  service: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_]+$/, 'must be a service name like turn_on')
    .describe('The service: turn_on, turn_off, toggle, set_temperature…'),
  target: z
    .object({
      entity_id: ids.optional().describe('One id, a list, or "all" (every visible entity of the domain)'),
      area_id: ids.optional().describe("Area names or ids: the area's entities of the service's domain"),
      device_id: ids.optional(),
    })
    .optional(),
  data: z
    .record(z.string(), z.unknown())
    .refine(
      (data) => JSON.stringify(data).length <= MAX_DATA_CHARS,
      `must be under ${MAX_DATA_CHARS} characters as JSON`,
    )
    .optional()
    .describe('Service data, e.g. {"brightness_pct": 40} or {"temperature": 21}'),
  return_response: z
    .boolean()
    .default(false)
    .describe("Ask for the service's response (services that give one)"),
});
type Input = z.infer<typeof InputSchema>;

/** Lock keys of the entities a call acts on: one write per entity at a time, whatever the tool. */
export function entityLocks(entityIds: readonly string[]): string[] {
  return entityIds.map((id) => `entity:${id}`);
}

/** The scopes a call needs beyond ha:write, from its resolved target (or, if that fails, its named ids). */
function extraScopes(bridge: Bridge, args: ServiceTargetInput, resolved: ResolvedTarget | undefined) {
  const { states } = bridge.link;
  const sensitive = resolved
    ? resolved.sensitive.length > 0
    : namedEntityIds(args).some((id) => isSensitive(id, states.get(id)));
  return sensitive || isAdminService(args.domain, args.service) ? [HA_ADMIN] : undefined;
}

/** The live view the target resolution reads: states and registries of the link, the exposure rules. */
export function worldOf(bridge: Bridge): World {
  return {
    get states() {
      return bridge.link.states;
    },
    get registries() {
      return bridge.link.registries;
    },
    exposure: bridge.exposure,
  };
}

function tryResolve(world: World, args: Input): ResolvedTarget | undefined {
  try {
    return resolveServiceTarget(args, world);
  } catch {
    return undefined;
  }
}

/**
 * Calls a Home Assistant service on resolved, visible entities, one call per entity at a time
 * (all its entities locked, in arrival order), and waits for it. Locks, alarm panels and
 * garage/gate/door covers need ha:admin; the call is refused before it is queued.
 */
export function createCallServiceTool(bridge: Bridge) {
  const world = worldOf(bridge);
  return defineTool({
    name: 'call_service',
    description:
      'Call a Home Assistant service (action) and wait for it: e.g. domain=light service=turn_on ' +
      'target={"area_id":"Kitchen"} data={"brightness_pct":40}. Targets: entity ids, area names or ids, ' +
      'device ids. Answers with the states that changed. Locks, alarm panels and garage doors, gates and ' +
      'doors need the ha:admin scope.',
    category: CATEGORY,
    input: InputSchema,
    permissions: [HA_WRITE],
    permissionsFor: (args) => extraScopes(bridge, args, tryResolve(world, args)),
    annotations: { ...WRITE_ANNOTATIONS, title: 'Call a service' },
    priority: 'medium',
    timeoutMs: WRITE_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    serialize: (args) => {
      const resolved = tryResolve(world, args);
      return entityLocks(resolved ? resolved.entityIds : namedEntityIds(args));
    },
    uses: bridge.breaker,
    handler: async (args, ctx) => {
      if (!bridge.exposure.domainVisible(args.domain)) {
        throw new ToolError(`service ${args.domain}.${args.service} not found`);
      }
      const resolved = resolveServiceTarget(args, world);
      // Checked again here: the entities may have changed while the call waited for its turn.
      for (const scope of extraScopes(bridge, args, resolved) ?? []) {
        if (!grants(ctx.caller.scopes, scope)) {
          throw new RpcError(ErrorCode.Forbidden, `Forbidden: requires ${scope}`, {
            required_permission: scope,
          });
        }
      }
      let result: Awaited<ReturnType<typeof bridge.api.callService>>;
      try {
        result = await bridge.api.callService(
          args.domain,
          args.service,
          resolved.body,
          args.return_response,
          haCall(ctx, WRITE_TIMEOUT_MS),
        );
      } catch (error) {
        throw writeRefused(error, bridge.rest.lastFailure ?? bridge.link.reason);
      }
      const touched = [...resolved.entityIds, ...result.changed.map((s) => s.entity_id)];
      bridge.freshness.markWritten(touched);
      bridge.index.changed(touched);
      const changed = visibleStates(bridge, result.changed);
      return {
        ok: true,
        service: `${args.domain}.${args.service}`,
        entity_ids: resolved.entityIds,
        changed: changed
          .slice(0, MAX_CHANGED_SHOWN)
          .map((state) => compactEntity(state, bridge.link.registries)),
        ...(changed.length > MAX_CHANGED_SHOWN ? { changed_total: changed.length, truncated: true } : {}),
        ...(args.return_response ? { service_response: boundValue(result.response) } : {}),
      };
    },
  });
}
