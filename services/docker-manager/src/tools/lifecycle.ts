import { defineTool, type ToolContext } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import {
  containerError,
  containerRef,
  identityOfInspect,
  inspectContainer,
  nameOf,
} from '../docker/containers.js';
import { isHttpError } from '../docker/engine.js';
import {
  CATEGORY,
  DOCKER_ADMIN,
  type DockerDeps,
  mutating,
  WRITE_ANNOTATIONS,
  WRITE_RATE_LIMIT,
} from './common.js';

export type LifecycleAction = 'start' | 'stop' | 'restart';

/**
 * The per-container lock key: the container's full id, resolved by the engine from the id, prefix
 * or name the caller wrote — so `web`, `4f3c2a` and the full id of one container share one lock.
 * Resolving is a read (an unknown container fails the call here, naming it).
 */
export async function containerLockKey(deps: DockerDeps, ref: string, signal: AbortSignal) {
  const info = await inspectContainer(deps.engine, ref, signal);
  return `container:${info.Id}`;
}

const fullIdOf = (lockKey: string | undefined) => lockKey?.replace(/^container:/, '');

function timeoutArg(deps: DockerDeps) {
  return z
    .number()
    .int()
    .min(0)
    .max(deps.config.DOCKER_MAX_STOP_TIMEOUT_S)
    .optional()
    .describe(
      'Seconds to wait for the container to stop after its stop signal before it is killed ' +
        "(default: the container's own stop timeout, 10 s unless set)",
    );
}

async function act(
  docker: Docker,
  action: LifecycleAction,
  id: string,
  timeoutS: number | undefined,
  signal: AbortSignal,
) {
  const container = docker.getContainer(id);
  const t = timeoutS === undefined ? {} : { t: timeoutS };
  if (action === 'start') await container.start({ abortSignal: signal });
  else if (action === 'stop') await container.stop({ ...t, abortSignal: signal });
  else await container.restart({ ...t, abortSignal: signal });
}

/**
 * One of start/stop/restart, after the safety rules: the container is looked up again once the
 * lock is held (it may have changed while the call waited), checked against the protected and
 * manageable rules, then changed. A start of a running container or a stop of a stopped one is
 * not an error: the engine answers 304 and the result says `changed: false`.
 */
async function runLifecycle(
  deps: DockerDeps,
  action: LifecycleAction,
  args: { id: string; timeout_s?: number | undefined },
  ctx: ToolContext,
) {
  const { signal, logger, caller } = ctx;
  const info = await inspectContainer(deps.engine, fullIdOf(ctx.lockKey) ?? args.id, signal);
  await deps.policy.assertMutable(identityOfInspect(info), signal);
  const before = info.State.Status;
  let changed = true;
  try {
    await deps.engine.call((docker) => act(docker, action, info.Id, args.timeout_s, signal), signal);
  } catch (error) {
    if (!(isHttpError(error) && error.statusCode === 304)) throw containerError(error, args.id);
    changed = false;
  }
  const after = await inspectContainer(deps.engine, info.Id, signal);
  const name = nameOf(after.Name);
  logger.info(
    { container: info.Id.slice(0, 12), name, action, changed, caller: caller.id },
    `container ${action}${changed ? '' : ' (no change)'}`,
  );
  return {
    id: info.Id.slice(0, 12),
    name,
    action,
    changed,
    state_before: before,
    state: after.State.Status,
    ...(after.State.Running ? {} : { exit_code: after.State.ExitCode }),
    message: changed
      ? `Container ${name} ${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted'}`
      : `Container ${name} was already ${action === 'start' ? 'running' : 'stopped'}`,
  };
}

export function lifecycleTool(
  deps: DockerDeps,
  spec: { action: LifecycleAction; name: string; title: string; description: string },
) {
  const withTimeout = spec.action !== 'start';
  const input = withTimeout
    ? z.object({ id: containerRef, timeout_s: timeoutArg(deps) })
    : z.object({ id: containerRef });
  const tool = defineTool({
    name: spec.name,
    description: `${spec.description} Only containers this service may manage (see list_containers' manageable); never its own container or its MQTT broker.`,
    category: CATEGORY,
    input,
    permissions: DOCKER_ADMIN,
    annotations: {
      ...WRITE_ANNOTATIONS,
      idempotentHint: spec.action !== 'restart',
      title: spec.title,
    },
    // The longest stop the caller may ask for, plus the lookups around it.
    timeoutMs: (withTimeout ? deps.config.DOCKER_MAX_STOP_TIMEOUT_S : 0) * 1000 + 30_000,
    rateLimit: WRITE_RATE_LIMIT,
    priority: 'high',
    serialize: (args: { id: string }, { signal }) => containerLockKey(deps, args.id, signal),
    uses: deps.limit,
    handler: (args: { id: string; timeout_s?: number | undefined }, ctx) =>
      runLifecycle(deps, spec.action, args, ctx),
  });
  return mutating(tool, deps.config.DOCKER_READ_ONLY);
}
