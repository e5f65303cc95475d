import { ToolError } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import { type Engine, engineMessage, isHttpError } from './engine.js';

/**
 * A container reference as callers write it: a full id, a unique id prefix or a name (a leading
 * `/`, as the Engine API prints names, is accepted). Checked strictly: it becomes part of an
 * Engine API path, so `../` or `?` must never reach it.
 */
export const containerRef = z
  .string()
  .min(1)
  .max(128)
  .regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a container id, id prefix or name')
  .describe('Container id (full or a unique prefix, e.g. "4f3c2a1b9e8d") or name (e.g. "zigbee2mqtt")');

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
/** `/web-1` → `web-1`; a container has one name on the engine (legacy links add more). */
export const nameOf = (names: readonly string[] | string | undefined) =>
  (Array.isArray(names) ? (names.find((n) => n.split('/').length === 2) ?? names[0]) : names)?.replace(
    /^\//,
    '',
  ) ?? '';

export interface ComposeInfo {
  project: string;
  service: string | null;
}

export function composeOf(labels: Record<string, string> | null | undefined): ComposeInfo | null {
  const project = labels?.[COMPOSE_PROJECT_LABEL];
  return project ? { project, service: labels?.[COMPOSE_SERVICE_LABEL] ?? null } : null;
}

/** The health a `docker ps` status line shows: `Up 3 minutes (healthy)`, `(health: starting)`. */
export function healthFromStatus(status: string | undefined): 'healthy' | 'unhealthy' | 'starting' | null {
  if (!status) return null;
  if (status.includes('(healthy)')) return 'healthy';
  if (status.includes('(unhealthy)')) return 'unhealthy';
  if (status.includes('(health: starting)')) return 'starting';
  return null;
}

/** What the safety rules look at, from either an inspect or a list entry. */
export interface ContainerIdentity {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export function identityOfInspect(info: Docker.ContainerInspectInfo): ContainerIdentity {
  return { id: info.Id, name: nameOf(info.Name), labels: info.Config?.Labels ?? {} };
}

export function identityOfSummary(summary: Docker.ContainerInfo): ContainerIdentity {
  return { id: summary.Id, name: nameOf(summary.Names), labels: summary.Labels ?? {} };
}

/**
 * The container behind a reference (the engine resolves id, prefix or name: a full id first, then
 * a name, then a unique prefix). Unknown → a ToolError naming the reference; ambiguous prefix → the
 * engine's message.
 */
export async function inspectContainer(
  engine: Engine,
  ref: string,
  signal?: AbortSignal,
): Promise<Docker.ContainerInspectInfo> {
  const id = ref.replace(/^\//, '');
  try {
    return await engine.call((docker) => docker.getContainer(id).inspect({ abortSignal: signal }), signal);
  } catch (error) {
    throw containerError(error, id);
  }
}

/** An Engine API error about container `id` as a ToolError (other errors pass through). */
export function containerError(error: unknown, id: string): unknown {
  if (!isHttpError(error)) return error;
  if (error.statusCode === 404) {
    return new ToolError(`No container "${id}" on this Docker engine`, { data: { reason: 'not_found', id } });
  }
  return new ToolError(`Docker engine refused the request for container "${id}": ${engineMessage(error)}`, {
    data: { reason: 'engine_error', id, status: error.statusCode },
  });
}
