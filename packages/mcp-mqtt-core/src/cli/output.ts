import {
  ConnectionLostError,
  RemoteError,
  RequestTimeoutError,
  ServiceOfflineError,
} from '../client/errors.js';
import {
  ExitCode,
  exitCodeOfSignal,
  InterruptedError,
  StepTimeoutError,
  ToolFailedError,
  UnknownServiceError,
  UnknownToolError,
  UsageError,
} from './errors.js';

/** How an error is shown: as text, or as the `error` member of a JSON object, and its exit code. */
export interface ErrorReport {
  text: string;
  json: { type: string; message: string } & Record<string, unknown>;
  exitCode: number;
}

const API_KEY_HINT =
  'hint: no API key was sent. A service with API keys does not answer callers without one: set MCP_API_KEY (or MCP_API_KEY_FILE).';

function timeoutReport(timeout: RequestTimeoutError, purpose?: string): ErrorReport {
  const message = `no answer from ${timeout.serviceId} to ${timeout.method}${purpose ? ` (${purpose})` : ''} within ${timeout.timeoutMs} ms`;
  return {
    text: `error: ${message}${timeout.withoutApiKey ? `\n${API_KEY_HINT}` : ''}`,
    json: {
      type: 'timeout',
      message,
      service: timeout.serviceId,
      method: timeout.method,
      timeout_ms: timeout.timeoutMs,
      api_key_sent: !timeout.withoutApiKey,
    },
    exitCode: ExitCode.failure,
  };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}

/** One rule for every failure: a message on stderr (JSON with --json) and a non-zero exit code. */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof UsageError) {
    return {
      text: `usage: mcp-mqtt ${error.message} (mcp-mqtt --help)`,
      json: { type: 'usage', message: error.message },
      exitCode: ExitCode.usage,
    };
  }
  if (error instanceof InterruptedError) {
    return {
      text: error.message,
      json: { type: 'interrupted', message: error.message, signal: error.signal },
      exitCode: exitCodeOfSignal(error.signal),
    };
  }
  if (error instanceof RemoteError) {
    return {
      text: `error ${error.code}: ${error.message}${error.data ? `\n${JSON.stringify(error.data, null, 2)}` : ''}`,
      json: { type: 'remote', message: error.message, code: error.code, data: error.data },
      exitCode: ExitCode.failure,
    };
  }
  if (error instanceof ToolFailedError) {
    const { error: _message, ...rest } = error.result.structuredContent ?? {};
    const details = Object.keys(rest).length > 0 ? `\n${JSON.stringify(rest, null, 2)}` : '';
    return {
      text: `error: ${error.message}${details}`,
      json: { type: 'tool', message: error.message, result: error.result },
      exitCode: ExitCode.failure,
    };
  }
  if (error instanceof UnknownServiceError) {
    const known = error.known.map((s) => `${s.serviceId} (${s.discovery.status})`);
    return {
      text: [
        `error: ${error.message}.${error.suggestion ? ` Did you mean "${error.suggestion}"?` : ''}`,
        known.length > 0
          ? `known services: ${list(known)}`
          : 'no service is announced on this broker: check --url / MQTT_URL, or that the services run.',
      ].join('\n'),
      json: {
        type: 'unknown_service',
        message: error.message,
        service: error.serviceId,
        suggestion: error.suggestion ?? null,
        known: error.known.map((s) => ({ service: s.serviceId, status: s.discovery.status })),
      },
      exitCode: ExitCode.failure,
    };
  }
  if (error instanceof UnknownToolError) {
    return {
      text: `error: ${error.message}.${error.suggestion ? ` Did you mean "${error.suggestion}"?` : ''}\nits tools: ${list(error.known)}`,
      json: {
        type: 'unknown_tool',
        message: error.message,
        service: error.serviceId,
        tool: error.tool,
        suggestion: error.suggestion ?? null,
        known: error.known,
      },
      exitCode: ExitCode.failure,
    };
  }
  if (error instanceof ServiceOfflineError) {
    const message = `${error.serviceId} is offline (since ${error.since}, per its discovery document)`;
    return {
      text: `error: ${message}`,
      json: { type: 'offline', message, service: error.serviceId, since: error.since },
      exitCode: ExitCode.failure,
    };
  }
  if (error instanceof StepTimeoutError) return timeoutReport(error.timeout, error.purpose);
  if (error instanceof RequestTimeoutError) return timeoutReport(error);
  const message = error instanceof Error ? error.message : String(error);
  const type = error instanceof ConnectionLostError ? 'connection_lost' : 'error';
  return { text: `error: ${message}`, json: { type, message }, exitCode: ExitCode.failure };
}

/** Results go to stdout; every error goes to stderr. With --json both are JSON. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** A command's result: one JSON document (indented) or text. */
  result(value: unknown, text: () => string) {
    this.stdout.write(`${this.json ? JSON.stringify(value, null, 2) : text()}\n`);
  }

  /** One line of a stream (`watch`): NDJSON with --json, so that scripts read it line by line. */
  line(value: Record<string, unknown>, text: () => string) {
    this.stdout.write(`${this.json ? JSON.stringify(value) : text()}\n`);
  }

  /** Writes the error to stderr; returns the exit code. */
  error(error: unknown): number {
    const report = reportError(error);
    this.stderr.write(`${this.json ? JSON.stringify({ error: report.json }) : report.text}\n`);
    return report.exitCode;
  }
}
