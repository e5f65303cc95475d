import { constants } from 'node:os';
import type { CallToolResult } from '../client/client.js';
import type { RequestTimeoutError } from '../client/errors.js';
import type { ServiceStatus } from '../client/services.js';

/**
 * Exit status of the CLI: 0 success (also `watch` stopped by a signal), 1 any failure (the
 * service answered an error, the tool reported isError, no answer, unknown or offline service,
 * no broker), 2 a usage error, 128 + the signal's number when a signal interrupted a command
 * that had not finished (130 for SIGINT, 143 for SIGTERM), as shells report it.
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

export function exitCodeOfSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** The command line itself is wrong: nothing was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The service id is not announced on the broker. */
export class UnknownServiceError extends Error {
  override name = 'UnknownServiceError';
  constructor(
    readonly serviceId: string,
    readonly known: readonly ServiceStatus[],
    readonly suggestion: string | undefined,
  ) {
    super(`no service "${serviceId}" is announced on the broker`);
  }
}

/** The tool is not in the service's discovery document. */
export class UnknownToolError extends Error {
  override name = 'UnknownToolError';
  constructor(
    readonly serviceId: string,
    readonly tool: string,
    readonly known: readonly string[],
    readonly suggestion: string | undefined,
  ) {
    super(`${serviceId} has no tool "${tool}"`);
  }
}

/** The tool ran and reported a failure (`isError: true`). */
export class ToolFailedError extends Error {
  override name = 'ToolFailedError';
  constructor(
    readonly serviceId: string,
    readonly tool: string,
    readonly result: CallToolResult,
  ) {
    const reason = result.structuredContent?.error;
    super(`${serviceId}/${tool} failed${typeof reason === 'string' ? `: ${reason}` : ''}`);
  }
}

/** A request the CLI sent on the way to the command's own (e.g. tools/list before tools/call). */
export class StepTimeoutError extends Error {
  override name = 'StepTimeoutError';
  constructor(
    readonly timeout: RequestTimeoutError,
    readonly purpose: string,
  ) {
    super(timeout.message);
  }
}

/** A signal arrived before the command finished. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(
    readonly signal: NodeJS.Signals,
    /** What the command was waiting for, e.g. "weather to answer tools/call". */
    readonly waitingFor?: string,
  ) {
    super(`interrupted by ${signal}${waitingFor ? ` while waiting for ${waitingFor}` : ''}`);
  }
}
