import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one service; one registry per runtime so tests can run several. */
export function createMetrics(serviceId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceId });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'mcp_requests_total',
      help: 'JSON-RPC requests handled, by method and outcome code (0 = success)',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'mcp_request_duration_seconds',
      help: 'Time from arrival to answer',
      labelNames: ['method'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'mcp_tool_calls_total',
      help: 'Tool calls by tool and outcome (ok, tool_error, rpc_error)',
      labelNames: ['tool', 'outcome'] as const,
      registers: [registry],
    }),
    cache: new Counter({
      name: 'mcp_tool_cache_total',
      help: 'Tool result cache lookups (hit, miss, stale)',
      labelNames: ['tool', 'result'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'mcp_requests_in_flight',
      help: 'Requests executing now',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'mcp_rejected_messages_total',
      help: 'Messages refused before execution (reason: parse, invalid, oversized, batch, response_topic, property_size, retained, inbox, answer_size, duplicate)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    connected: new Gauge({
      name: 'mcp_broker_connected',
      help: '1 while connected to the broker',
      registers: [registry],
    }),
    queueWait: new Histogram({
      name: 'mcp_queue_wait_seconds',
      help: 'Time a call waited for a slot of its dependency, by dependency and priority',
      labelNames: ['dependency', 'priority'] as const,
      buckets: [0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    lockWait: new Histogram({
      name: 'mcp_lock_wait_seconds',
      help: 'Time a call waited for its serialisation key (per-entity or per-container lock)',
      buckets: [0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    coalesced: new Counter({
      name: 'mcp_coalesced_calls_total',
      help: 'Calls answered by sharing an identical call already running',
      labelNames: ['tool'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'mcp_refused_calls_total',
      help: 'Calls refused by authentication or permissions (-32001, -32002), by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    circuit: new Gauge({
      name: 'mcp_circuit_state',
      help: 'Circuit breaker state per dependency (0 closed, 1 half-open, 2 open)',
      labelNames: ['dependency'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
