import { z } from 'zod';
import { CoreConfigSchema } from '../../src/config.js';
import { ToolError } from '../../src/protocol/errors.js';
import { defineService, defineTool, type ServiceDefinition } from '../../src/service/define.js';

/** What the tools of the scheduling service saw, in order. */
export interface Recorder {
  /** `start:label` and `end:label`, in the order they happened. */
  log: string[];
  executions: number;
  /** Highest number of `write` calls running at once, per key and overall. */
  maxPerKey: Map<string, number>;
  maxConcurrentWrites: number;
  /** Labels whose signal aborted while they ran. */
  aborted: string[];
  /** Resolves the gate that `hold` calls wait on. */
  open(): void;
}

export interface SchedulingOptions {
  id: string;
  /** Slots of the `upstream` dependency. */
  concurrency?: number;
  maxQueue?: number;
  agingStepMs?: number;
}

/** Names of one entity, for `write_alias`. */
const ALIASES: Record<string, string> = {
  kitchen: 'light.kitchen',
  'light.kitchen': 'light.kitchen',
  'Kitchen light': 'light.kitchen',
  hall: 'light.hall',
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * A service whose tools exercise the scheduler: `write` (serialised per key), `read` (coalesced),
 * `job` (through a limited upstream, priority queue behind it), `hold` (waits for a gate), a hidden
 * tool and one that needs an extra scope for some arguments.
 */
export function schedulingService(options: SchedulingOptions): {
  definition: ServiceDefinition;
  recorder: Recorder;
} {
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const running = new Map<string, number>();
  let writesRunning = 0;
  const recorder: Recorder = {
    log: [],
    executions: 0,
    maxPerKey: new Map(),
    maxConcurrentWrites: 0,
    aborted: [],
    open: () => {
      release();
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
  const definition = defineService({
    id: options.id,
    name: 'Scheduling',
    version: '2.0.0',
    description: 'Tools that exercise priorities, locks, coalescing and cancellation',
    config: CoreConfigSchema,
    setup: ({ dependencies }) => {
      const upstream = dependencies.limit('upstream', {
        concurrency: options.concurrency ?? 1,
        ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
        ...(options.agingStepMs !== undefined ? { agingStepMs: options.agingStepMs } : {}),
      });
      return {
        tools: [
          defineTool({
            name: 'write',
            description: 'Serialised per key',
            input: z.object({ key: z.string(), label: z.string(), ms: z.number().int().min(0).max(5_000) }),
            serialize: ({ key }) => key,
            timeoutMs: 5_000,
            handler: async ({ key, label, ms }, { signal }) => {
              const now = (running.get(key) ?? 0) + 1;
              running.set(key, now);
              writesRunning += 1;
              recorder.maxPerKey.set(key, Math.max(recorder.maxPerKey.get(key) ?? 0, now));
              recorder.maxConcurrentWrites = Math.max(recorder.maxConcurrentWrites, writesRunning);
              recorder.log.push(`start:${label}`);
              try {
                await sleep(ms, signal);
              } finally {
                running.set(key, (running.get(key) ?? 1) - 1);
                writesRunning -= 1;
                recorder.log.push(`end:${label}`);
              }
              return { key, label };
            },
          }),
          defineTool({
            name: 'write_alias',
            description: 'Serialised per entity, whichever of its names the caller used',
            input: z.object({ name: z.string(), label: z.string(), ms: z.number().int().min(0).max(5_000) }),
            // Resolved later than a synchronous key would be, as a lookup in an upstream is.
            serialize: async ({ name }, { signal }) => {
              await sleep(5, signal);
              const entity = ALIASES[name];
              if (!entity) throw new ToolError(`no entity named ${name}`);
              return entity;
            },
            timeoutMs: 5_000,
            handler: async ({ label, ms }, { signal, lockKey }) => {
              const key = lockKey ?? 'none';
              const now = (running.get(key) ?? 0) + 1;
              running.set(key, now);
              recorder.maxPerKey.set(key, Math.max(recorder.maxPerKey.get(key) ?? 0, now));
              recorder.log.push(`start:${label}`);
              try {
                await sleep(ms, signal);
              } finally {
                running.set(key, (running.get(key) ?? 1) - 1);
                recorder.log.push(`end:${label}`);
              }
              return { entity: key, label };
            },
          }),
          defineTool({
            name: 'write_many',
            description: 'Serialised on every key it names',
            input: z.object({
              keys: z.array(z.string()).min(1),
              label: z.string(),
              ms: z.number().int().min(0).max(5_000),
            }),
            serialize: ({ keys }) => keys,
            timeoutMs: 5_000,
            handler: async ({ keys, label, ms }, { signal }) => {
              for (const key of new Set(keys)) {
                const now = (running.get(key) ?? 0) + 1;
                running.set(key, now);
                recorder.maxPerKey.set(key, Math.max(recorder.maxPerKey.get(key) ?? 0, now));
              }
              recorder.log.push(`start:${label}`);
              try {
                await sleep(ms, signal);
              } finally {
                for (const key of new Set(keys)) running.set(key, (running.get(key) ?? 1) - 1);
                recorder.log.push(`end:${label}`);
              }
              return { keys, label };
            },
          }),
          defineTool({
            name: 'read',
            description: 'Coalesced',
            input: z.object({ key: z.string() }),
            coalesce: true,
            annotations: { readOnlyHint: true },
            handler: async ({ key }, { signal }) => {
              recorder.executions += 1;
              await sleep(50, signal);
              return { key, value: `value of ${key}`, execution: recorder.executions };
            },
          }),
          defineTool({
            name: 'job',
            description: 'Uses the limited upstream',
            input: z.object({ label: z.string(), ms: z.number().int().min(0).max(5_000).default(0) }),
            uses: upstream,
            timeoutMs: 10_000,
            handler: async ({ label, ms }, { signal, priority }) => {
              recorder.log.push(`start:${label}`);
              await sleep(ms, signal);
              return { label, priority };
            },
          }),
          defineTool({
            name: 'hold',
            description: 'Holds an upstream slot until the gate opens',
            input: z.object({ label: z.string() }),
            uses: upstream,
            timeoutMs: 10_000,
            handler: async ({ label }, { signal }) => {
              recorder.log.push(`start:${label}`);
              try {
                await Promise.race([
                  gate,
                  new Promise((_, reject) =>
                    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
                  ),
                ]);
              } catch (error) {
                recorder.aborted.push(label);
                throw error;
              }
              return { label };
            },
          }),
          defineTool({
            name: 'quick',
            description: 'Times out while it waits for its key',
            input: z.object({ key: z.string() }),
            serialize: ({ key }) => key,
            timeoutMs: 150,
            handler: () => ({ ran: true }),
          }),
          defineTool({
            name: 'hidden_write',
            description: 'Not listed, still answered',
            input: z.object({}),
            listed: false,
            handler: () => ({ hidden: true }),
          }),
          defineTool({
            name: 'set_lock',
            description: 'Needs sched:admin for the front door',
            input: z.object({ entity: z.string() }),
            permissions: ['sched:write'],
            permissionsFor: ({ entity }) => (entity === 'lock.front_door' ? ['sched:admin'] : undefined),
            handler: ({ entity }) => {
              recorder.log.push(`set:${entity}`);
              return { entity };
            },
          }),
        ],
      };
    },
  });
  return { definition, recorder };
}
