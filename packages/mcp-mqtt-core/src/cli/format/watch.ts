import type { DownReason, ServiceStatus } from '../../client/services.js';
import { MISSED_HEARTBEATS } from '../../client/services.js';
import type { Heartbeat } from '../../protocol/mcp.js';

/**
 * One line per happening, for people (text) and scripts (an NDJSON object):
 *
 *   2026-11-28T13:47:52.813Z  up     weather  v0.1.0, heartbeat every 30 s, 3 tools
 *   2026-11-28T13:48:22.815Z  beat   weather  uptime 30s, 0 active, idle since start
 *   2026-11-28T13:50:52.901Z  stale  weather  no heartbeat for 90 s (3 missed)
 *   2026-11-28T13:51:03.120Z  down   weather  offline since 2026-11-28T13:51:03.118Z
 *   2026-11-28T13:51:10.002Z  event  weather/weather_alert  {"location":"Lyon",…}
 *   2026-11-28T13:52:00.120Z  broker connection lost, reconnecting…
 */
export interface WatchLine {
  json: Record<string, unknown>;
  text: string;
}

/** `90` → `1m30s`, `7384` → `2h03m`, `200000` → `2d07h`. */
export function compactDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

const KIND_WIDTH = 6;

function line(now: Date, kind: string, subject: string, detail: string, json: Record<string, unknown>) {
  return {
    json: { time: now.toISOString(), type: kind, ...json },
    text: `${now.toISOString()}  ${kind.padEnd(KIND_WIDTH)} ${subject ? `${subject}  ` : ''}${detail}`.trimEnd(),
  };
}

/** Last activity as the service saw it, relative to the heartbeat's own clock (no clock skew). */
function activity(beat: Heartbeat): string {
  if (!beat.last_activity) return 'idle since start';
  const ago = (Date.parse(beat.timestamp) - Date.parse(beat.last_activity)) / 1000;
  return Number.isFinite(ago) ? `last call ${compactDuration(ago)} ago` : 'last call at an unknown time';
}

/**
 * Formats what a watching client sees. Remembers each service's last state, so that a service
 * beating again after being stale reads "heartbeats again" rather than a fresh announcement.
 */
export class WatchFormatter {
  private readonly states = new Map<string, 'up' | 'stale' | 'offline'>();

  up(status: ServiceStatus, now = new Date()): WatchLine {
    const { serviceId, discovery } = status;
    const wasStale = this.states.get(serviceId) === 'stale';
    this.states.set(serviceId, 'up');
    const tools = discovery.capabilities.tools.length;
    const detail = wasStale
      ? 'heartbeats again'
      : `v${discovery.version}, heartbeat every ${discovery.heartbeat_interval} s, ${tools} tool${tools === 1 ? '' : 's'}`;
    return line(now, 'up', serviceId, detail, {
      service: serviceId,
      version: discovery.version,
      heartbeat_interval: discovery.heartbeat_interval,
      tools: discovery.capabilities.tools,
      ...(wasStale ? { recovered: true } : {}),
    });
  }

  down(status: ServiceStatus, reason: DownReason, now = new Date()): WatchLine {
    const { serviceId, discovery } = status;
    if (reason === 'offline') {
      this.states.set(serviceId, 'offline');
      return line(now, 'down', serviceId, `offline since ${discovery.timestamp}`, {
        service: serviceId,
        reason: 'offline',
        since: discovery.timestamp,
      });
    }
    this.states.set(serviceId, 'stale');
    const silentS =
      status.lastHeartbeat === undefined ? undefined : (now.getTime() - status.lastHeartbeat) / 1000;
    const detail = `no heartbeat for ${silentS === undefined ? '?' : Math.round(silentS)} s (${MISSED_HEARTBEATS} missed)`;
    return line(now, 'stale', serviceId, detail, {
      service: serviceId,
      missed: MISSED_HEARTBEATS,
      last_heartbeat:
        status.lastHeartbeat === undefined ? null : new Date(status.lastHeartbeat).toISOString(),
    });
  }

  heartbeat(status: ServiceStatus, beat: Heartbeat, now = new Date()): WatchLine {
    const detail = `uptime ${compactDuration(beat.uptime)}, ${beat.active_connections} active, ${activity(beat)}`;
    return line(now, 'beat', status.serviceId, detail, {
      service: status.serviceId,
      uptime: beat.uptime,
      active_connections: beat.active_connections,
      last_activity: beat.last_activity,
    });
  }

  /** The CLI's own connection to the broker. */
  connection(connected: boolean, now = new Date()): WatchLine {
    const detail = connected ? 'reconnected' : 'connection lost, reconnecting…';
    return line(now, 'broker', '', detail, { connected });
  }

  event(serviceId: string, event: string, payload: unknown, now = new Date()): WatchLine {
    // The core wraps an event as {event, service_id, timestamp, data}: the text shows the data.
    const body = payload as { data?: unknown } | undefined;
    const shown = body && typeof body === 'object' && 'data' in body ? body.data : payload;
    return line(now, 'event', `${serviceId}/${event}`, JSON.stringify(shown) ?? '', {
      service: serviceId,
      event,
      payload,
    });
  }
}
