import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

/**
 * Engine API calls whose options dockerode 5 takes but @types/dockerode 4 does not declare (an
 * AbortSignal on version and one-shot stats; `since` with nanoseconds on events). The casts
 * live here, once; every call still goes through dockerode.
 */
type WithSignal = { abortSignal?: AbortSignal | undefined };

export function version(docker: Docker, signal?: AbortSignal): Promise<Docker.DockerVersion> {
  const call = docker.version as unknown as (
    this: Docker,
    options: WithSignal,
  ) => Promise<Docker.DockerVersion>;
  return call.call(docker, { abortSignal: signal });
}

/** One stats sample (`stream=false`: the engine fills precpu_stats from its previous sample). */
export function oneShotStats(docker: Docker, id: string, signal?: AbortSignal): Promise<unknown> {
  const container = docker.getContainer(id);
  const call = container.stats as unknown as (
    this: Docker.Container,
    options: WithSignal & { stream: false },
  ) => Promise<unknown>;
  return call.call(container, { stream: false, abortSignal: signal });
}

/** The event stream; `since` as the engine takes it, `seconds.nanoseconds`. */
export function events(
  docker: Docker,
  options: { filters: Record<string, string[]>; since?: string | undefined },
  signal?: AbortSignal,
): Promise<Readable> {
  const call = docker.getEvents as unknown as (this: Docker, options: object) => Promise<Readable>;
  return call.call(docker, { ...options, abortSignal: signal });
}
