export {
  brokerUrl,
  ConfigError,
  type CoreConfig,
  CoreConfigSchema,
  loadConfig,
  readVariable,
} from './config.js';
export { commaList, wholeNumber } from './config-fields.js';
export { createLogger, silentLogger } from './observability/logger.js';
export { ErrorCode, errorMessages, RequestCancelledError, RpcError, ToolError } from './protocol/errors.js';
export * from './protocol/jsonrpc.js';
export * from './protocol/mcp.js';
export * from './protocol/topics.js';
export {
  canonicalJson,
  canonicalRequest,
  grants,
  keyDigestEntry,
  keyId,
  parseApiKeys,
  signRequest,
} from './safety/auth.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
} from './safety/circuit-breaker.js';
export type { CacheStats } from './safety/result-cache.js';
export { ConcurrencyLimit, type ConcurrencyLimitOptions } from './scheduling/concurrency-limit.js';
export { DEFAULT_PRIORITY, PRIORITIES, type Priority } from './scheduling/priority.js';
export type { QueueReport } from './scheduling/scheduler.js';
export type { ServiceCore } from './service/build.js';
export type { ToolDescriptor } from './service/catalog.js';
export * from './service/define.js';
export type { Outcome, RequestContext } from './service/endpoint.js';
export type { HealthReport } from './service/health.js';
export { type PeriodicTask, type PeriodicTaskOptions, periodicTask } from './service/periodic.js';
export { runService } from './service/run.js';
export { type RuntimeOptions, ServiceRuntime } from './service/runtime.js';
export {
  createServer,
  type LocalAnswer,
  type LocalServer,
  type RequestOptions,
  type ServerOptions,
} from './service/server.js';
