import {
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type ContainerIdentity,
} from '../docker/containers.js';

export const CONTAINER_STATE_EVENT = 'container_state';

/** Engine actions published as container_state (`health_status: healthy` counts as health_status). */
export const CONTAINER_ACTIONS = ['start', 'die', 'stop', 'restart', 'health_status'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** A message of the Engine API's `GET /events` stream (the fields used here). */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

/** The exact digits of an event line's `timeNano` (the engine writes it last, after the labels). */
export function timeNanoOf(line: string): string | undefined {
  return [...line.matchAll(/"timeNano":\s*(\d+)/g)].at(-1)?.[1];
}

/** The `data` of a container_state event. */
export interface ContainerStateEvent {
  /** Short id (12 characters), as `docker ps` shows it. */
  id: string;
  container_id: string;
  name: string;
  image: string | null;
  action: ContainerAction;
  /** The state the action leaves the container in (absent for health_status). */
  state?: 'running' | 'exited';
  /** Exit code of the main process (die). */
  exit_code?: number;
  /** healthy, unhealthy or starting (health_status). */
  health?: string;
  compose_project?: string;
  compose_service?: string;
  /** Whether this service may start/stop/restart it (DOCKER_ALLOW_LABEL / DOCKER_ALLOW_NAMES). */
  manageable: boolean;
  /** When the engine saw it (RFC 3339, nanoseconds). */
  time: string;
}

const STATE_AFTER: Partial<Record<ContainerAction, 'running' | 'exited'>> = {
  start: 'running',
  restart: 'running',
  die: 'exited',
  stop: 'exited',
};

/**
 * The event's `timeNano` (nanoseconds since the epoch, as its decimal digits: ~1.7e18 is past a
 * double's exact integers) → RFC 3339 with nanoseconds; `time` (seconds) when it is missing.
 */
export function nanoTime(timeNano: string | undefined, time: number | undefined): string {
  if (timeNano === undefined || !/^\d+$/.test(timeNano)) return new Date((time ?? 0) * 1000).toISOString();
  const ns = BigInt(timeNano);
  const seconds = ns / 1_000_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

/** An engine event as a container_state payload; undefined for events not published. */
export function toContainerState(
  event: EngineEvent,
  manageable: (container: ContainerIdentity) => boolean,
  timeNano?: string,
): ContainerStateEvent | undefined {
  if (event.Type !== 'container' || !event.Action || !event.Actor?.ID) return undefined;
  const [verb, detail] = event.Action.split(/:\s*/, 2);
  if (!(CONTAINER_ACTIONS as readonly string[]).includes(verb ?? '')) return undefined;
  const action = verb as ContainerAction;
  const attributes = event.Actor.Attributes ?? {};
  const id = event.Actor.ID;
  const name = attributes.name ?? '';
  const exitCode = Number(attributes.exitCode);
  const state = STATE_AFTER[action];
  const project = attributes[COMPOSE_PROJECT_LABEL];
  const service = attributes[COMPOSE_SERVICE_LABEL];
  return {
    id: id.slice(0, 12),
    container_id: id,
    name,
    image: attributes.image ?? null,
    action,
    ...(state ? { state } : {}),
    ...(action === 'die' && attributes.exitCode !== undefined && Number.isInteger(exitCode)
      ? { exit_code: exitCode }
      : {}),
    ...(action === 'health_status' && detail ? { health: detail.trim() } : {}),
    ...(project ? { compose_project: project } : {}),
    ...(service ? { compose_service: service } : {}),
    // Container events carry the container's labels among their attributes.
    manageable: manageable({ id, name, labels: attributes }),
    time: nanoTime(timeNano, event.time),
  };
}
