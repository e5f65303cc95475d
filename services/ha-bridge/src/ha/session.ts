import type { Logger } from '@neurhomia/mcp-mqtt-core';
import { type Connection, subscribeEntities } from 'home-assistant-js-websocket';
import { z } from 'zod';
import type { LiveStates } from './live-states.js';
import type { Registries } from './registries.js';
import { HaAreaSchema, HaDeviceSchema, HaEntityEntrySchema } from './types.js';

/** Events after which the registries are read again, and those that change the service list. */
const REGISTRY_EVENTS = ['area_registry_updated', 'device_registry_updated', 'entity_registry_updated'];
const SERVICE_EVENTS = ['service_registered', 'service_removed'];
/** Registry events come in bursts (an integration adding 40 entities): reload once after them. */
const REGISTRY_RELOAD_DELAY_MS = 500;
const COMMAND_TIMEOUT_MS = 15_000;
/** Registries past this size are cut (and the cut logged): bounds memory on a pathological home. */
const MAX_REGISTRY_ITEMS = 50_000;

export interface SessionHooks {
  states: LiveStates;
  registries: Registries;
  logger: Logger;
  /** Registries reloaded (areas or devices may have moved). */
  registriesChanged(): void;
  /** A service was registered or removed. */
  servicesChanged(): void;
}

/** A command with a deadline: a lost answer must not hang the setup of a session. */
async function command<T>(conn: Connection, message: { type: string }, schema: z.ZodType<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      conn.sendMessagePromise(message),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${message.type}: no answer within ${COMMAND_TIMEOUT_MS} ms`)),
          COMMAND_TIMEOUT_MS,
        );
      }),
    ]);
    const parsed = schema.safeParse(answer);
    if (!parsed.success)
      throw new Error(`${message.type}: unexpected answer (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  } catch (error) {
    // The library rejects with Home Assistant's {code, message} objects, not Errors.
    if (error instanceof Error) throw error;
    const said = (error as { message?: unknown })?.message;
    throw new Error(`${message.type}: ${typeof said === 'string' ? said : JSON.stringify(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

const list = <T>(item: z.ZodType<T>) =>
  z.array(z.unknown()).transform((items) =>
    items.slice(0, MAX_REGISTRY_ITEMS).flatMap((raw) => {
      const parsed = item.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    }),
  );

export async function loadRegistries(conn: Connection, hooks: SessionHooks): Promise<void> {
  const [areas, devices, entities] = await Promise.all([
    command(conn, { type: 'config/area_registry/list' }, list(HaAreaSchema)),
    command(conn, { type: 'config/device_registry/list' }, list(HaDeviceSchema)),
    command(conn, { type: 'config/entity_registry/list' }, list(HaEntityEntrySchema)),
  ]);
  hooks.registries.replace({ areas, devices, entities });
}

/**
 * Sets up what a connected session keeps live: the entity states, the registries (read now, and
 * again after Home Assistant announces a change), and the service list's change events.
 * Returns a function that stops the pending registry reload.
 */
export async function startSession(conn: Connection, hooks: SessionHooks): Promise<() => void> {
  let reloadTimer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      loadRegistries(conn, hooks).then(
        () => hooks.registriesChanged(),
        (error: unknown) => hooks.logger.warn({ err: error }, 'could not reload the registries'),
      );
    }, REGISTRY_RELOAD_DELAY_MS);
  };
  const statesReady = new Promise<void>((resolve) => {
    subscribeEntities(conn, (entities) => {
      try {
        hooks.states.apply(entities);
      } catch (error) {
        hooks.logger.error({ err: error }, 'could not apply an entity update');
      }
      resolve();
    });
  });
  await Promise.all([
    loadRegistries(conn, hooks),
    ...REGISTRY_EVENTS.map((type) => conn.subscribeEvents(reload, type)),
    ...SERVICE_EVENTS.map((type) => conn.subscribeEvents(() => hooks.servicesChanged(), type)),
    waitFor(statesReady, COMMAND_TIMEOUT_MS, 'subscribe_entities: no states'),
  ]);
  hooks.registriesChanged();
  return () => clearTimeout(reloadTimer);
}

function waitFor(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
