import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of the gateway (GET /metrics); one registry per instance so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    calls: new Counter({
      name: 'gateway_calls_total',
      help: 'Requests relayed to the services, by service, method and outcome (ok, tool_error, or the error code)',
      labelNames: ['target_service', 'method', 'outcome'] as const,
      registers: [registry],
    }),
    callDuration: new Histogram({
      name: 'gateway_call_duration_seconds',
      help: 'Time from a call arriving at the gateway to its answer, by service',
      labelNames: ['target_service'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    relayInFlight: new Gauge({
      name: 'gateway_relay_in_flight',
      help: 'Requests sent to the services and waiting for an answer',
      registers: [registry],
    }),
    sessions: new Gauge({
      name: 'gateway_mcp_sessions',
      help: 'Open MCP Streamable HTTP sessions',
      registers: [registry],
    }),
    services: new Gauge({
      name: 'gateway_services',
      help: 'Services announced on the broker, by state (up, stale, offline)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    toolListChanged: new Counter({
      name: 'gateway_tool_list_changed_total',
      help: 'Changes of the live services that made the gateway notify its MCP sessions',
      registers: [registry],
    }),
    brokerConnected: new Gauge({
      name: 'gateway_broker_connected',
      help: '1 while connected to the broker',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
