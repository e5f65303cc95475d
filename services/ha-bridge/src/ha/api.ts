import { CircuitOpenError, ErrorCode, RpcError } from '@neurhomia/mcp-mqtt-core';
import type { z } from 'zod';
import { HaError } from './errors.js';
import type { HaRequest, HaRest } from './rest.js';
import {
  HaHistorySchema,
  HaLogbookSchema,
  HaServiceResultSchema,
  HaServicesSchema,
  type HaState,
  HaStateSchema,
  HaStatesSchema,
} from './types.js';

export interface Call {
  signal: AbortSignal;
  /** Deadline of the HTTP request: a little under the tool's own timeout. */
  timeoutMs: number;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HaError(
      `Home Assistant sent an unexpected ${what} answer (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
      'invalid_response',
    );
  }
  return parsed.data;
}

/** `2025-01-01T10:00:00.000Z` → a path segment Home Assistant's datetime parser takes. */
const timeSegment = (iso: string) => encodeURIComponent(iso);

/**
 * Home Assistant's REST API, typed: each method is one request (components/api/__init__.py,
 * components/history, components/logbook, components/config/automation.py).
 */
export class HaApi {
  constructor(private readonly rest: HaRest) {}

  private request(call: Call, request: Omit<HaRequest, 'signal' | 'timeoutMs'>) {
    return this.rest.request({ ...request, signal: call.signal, timeoutMs: call.timeoutMs });
  }

  async states(call: Call): Promise<HaState[]> {
    return parse(HaStatesSchema, await this.request(call, { method: 'GET', path: '/api/states' }), 'states');
  }

  /** One entity's state; undefined when Home Assistant does not know it (404). */
  async state(entityId: string, call: Call): Promise<HaState | undefined> {
    try {
      const body = await this.request(call, {
        method: 'GET',
        path: `/api/states/${encodeURIComponent(entityId)}`,
      });
      return parse(HaStateSchema, body, 'state');
    } catch (error) {
      if (error instanceof HaError && error.status === 404) return undefined;
      throw error;
    }
  }

  async services(call: Call) {
    return parse(
      HaServicesSchema,
      await this.request(call, { method: 'GET', path: '/api/services' }),
      'services',
    );
  }

  /** Waits for the service to finish; the states it changed, and its response when asked for. */
  async callService(
    domain: string,
    service: string,
    body: Record<string, unknown>,
    returnResponse: boolean,
    call: Call,
  ): Promise<{ changed: HaState[]; response?: unknown }> {
    const answer = parse(
      HaServiceResultSchema,
      await this.request(call, {
        method: 'POST',
        path: `/api/services/${domain}/${service}`,
        query: { return_response: returnResponse || undefined },
        body,
        service: `${domain}.${service}`,
      }),
      'service call',
    );
    return Array.isArray(answer)
      ? { changed: answer }
      : { changed: answer.changed_states, response: answer.service_response };
  }

  async history(entityIds: readonly string[], startIso: string, endIso: string, call: Call) {
    const body = await this.request(call, {
      method: 'GET',
      path: `/api/history/period/${timeSegment(startIso)}`,
      query: {
        filter_entity_id: entityIds.join(','),
        end_time: endIso,
        minimal_response: true,
        no_attributes: true,
      },
    });
    return parse(HaHistorySchema, body, 'history');
  }

  async logbook(startIso: string, endIso: string, entityId: string | undefined, call: Call) {
    const body = await this.request(call, {
      method: 'GET',
      path: `/api/logbook/${timeSegment(startIso)}`,
      query: { end_time: endIso, entity: entityId },
    });
    return parse(HaLogbookSchema, body, 'logbook');
  }

  async renderTemplate(template: string, call: Call): Promise<string> {
    const body = await this.request(call, {
      method: 'POST',
      path: '/api/template',
      body: { template },
      expect: 'text',
    });
    return String(body);
  }

  /** Creates or replaces an automation; Home Assistant reloads automations afterwards. */
  async saveAutomation(id: string, config: Record<string, unknown>, call: Call): Promise<void> {
    await this.request(call, {
      method: 'POST',
      path: `/api/config/automation/config/${encodeURIComponent(id)}`,
      body: config,
      adminOnly: true,
    });
  }
}

/**
 * A write refused because the circuit is open: -32006 with the reason Home Assistant is failing,
 * so the caller knows nothing was sent and why. (Reads keep the core's CircuitOpenError, which
 * lets the core answer from the cache, marked stale.)
 */
export function writeRefused(error: unknown, reason: string | undefined): unknown {
  if (!(error instanceof CircuitOpenError)) return error;
  return new RpcError(
    ErrorCode.ServiceUnavailable,
    `Service unavailable: Home Assistant is failing${reason ? ` (${reason})` : ''}; the circuit is open and nothing was sent`,
    { ...error.data, ...(reason ? { reason } : {}) },
  );
}
