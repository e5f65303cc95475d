export {
  brokerUrl,
  ConfigError,
  type CoreConfig,
  CoreConfigSchema,
  loadConfig,
  readVariable,
} from './config.js';
export { createLogger, silentLogger } from './observability/logger.js';
export { ErrorCode, errorMessages, RpcError, ToolError } from './protocol/errors.js';
export * from './protocol/jsonrpc.js';
export * from './protocol/mcp.js';
export * from './protocol/topics.js';
export { canonicalJson, canonicalRequest, grants, keyId, signRequest } from './safety/auth.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
} from './safety/circuit-breaker.js';
export type { ToolDescriptor } from './service/catalog.js';
export * from './service/define.js';
export type { HealthReport } from './service/health.js';
export { runService } from './service/run.js';
export { type RuntimeOptions, ServiceRuntime } from './service/runtime.js';
