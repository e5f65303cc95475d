/**
 * Every MQTT topic string of the protocol lives here, so that no other module builds one by hand.
 *
 *   mcp/{service}/jsonrpc/request | response | notification
 *   mcp/{service}/discovery | heartbeat | logs | events/{event}
 *   mcp/clients/{client}/…           private response topics of clients
 *   mcp/system/discovery | health | events
 */
export const ROOT = 'mcp';
export const RESERVED_IDS = ['system', 'clients'] as const;
export const SERVICE_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Event names become one topic level: keep them plain. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

export function isValidServiceId(id: string): boolean {
  return SERVICE_ID_PATTERN.test(id) && !(RESERVED_IDS as readonly string[]).includes(id);
}

/**
 * A service's topics. `shareGroup` names the shared subscription of its replicas (default: the
 * service id; the stack gives each service a secret one so that no client can join the group).
 */
export function serviceTopics(serviceId: string, shareGroup: string = serviceId) {
  const base = `${ROOT}/${serviceId}`;
  return {
    request: `${base}/jsonrpc/request`,
    /** Replicas share the request stream: each request goes to exactly one instance. */
    sharedRequest: `$share/${shareGroup}/${base}/jsonrpc/request`,
    response: `${base}/jsonrpc/response`,
    notification: `${base}/jsonrpc/notification`,
    discovery: `${base}/discovery`,
    heartbeat: `${base}/heartbeat`,
    logs: `${base}/logs`,
    events: `${base}/events/#`,
    event: (name: string) => `${base}/events/${name}`,
  };
}
export type ServiceTopics = ReturnType<typeof serviceTopics>;

export const systemTopics = {
  discovery: `${ROOT}/system/discovery`,
  health: `${ROOT}/system/health`,
  events: `${ROOT}/system/events`,
} as const;

/** Wildcard subscriptions used by clients and monitors. */
export const anyService = {
  discovery: `${ROOT}/+/discovery`,
  heartbeat: `${ROOT}/+/heartbeat`,
  events: `${ROOT}/+/events/#`,
};

/** Events of one service or all (`+`), one event or all (`#`): a subscription filter. */
export function eventFilter(serviceId = '+', event = '#'): string {
  return `${ROOT}/${serviceId}/events/${event}`;
}

export function clientTopics(clientId: string, instance: string) {
  const base = `${ROOT}/clients/${clientId}/${instance}`;
  return { base, response: `${base}/response`, all: `${ROOT}/clients/${clientId}/#` };
}

/** Parses `mcp/{service}/…` topics; `undefined` for topics outside a service namespace. */
export function parseServiceTopic(topic: string): { serviceId: string; rest: string } | undefined {
  const parts = topic.split('/');
  if (parts[0] !== ROOT || parts.length < 3) return undefined;
  const serviceId = parts[1]!;
  if (!isValidServiceId(serviceId)) return undefined;
  return { serviceId, rest: parts.slice(2).join('/') };
}

/**
 * `mcp/clients/{client}/…` → the client segment: the caller's identity in open mode, and the
 * client whose key must have made a request answered there.
 */
export function clientIdFromTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  return parts[0] === ROOT && parts[1] === 'clients' && parts[2] ? parts[2] : undefined;
}

/**
 * Where a service may publish an answer. A Response Topic that starts with `$`, holds a wildcard
 * or is a service's request topic is refused, and so is any other topic of the `mcp/` namespace
 * outside `mcp/clients/`: a caller must not make a service write on its own heartbeat, events or
 * discovery topics, nor on anyone's requests.
 */
export function responseTopicRefusal(topic: string): string | undefined {
  if (topic.length === 0) return 'empty response topic';
  if (topic.startsWith('$')) return 'response topic starts with $';
  if (topic.includes('+') || topic.includes('#')) return 'response topic holds a wildcard';
  if (topic.includes('\u0000')) return 'response topic holds a NUL character';
  const parts = topic.split('/');
  if (parts.length === 4 && parts[0] === ROOT && parts[2] === 'jsonrpc' && parts[3] === 'request') {
    return 'response topic is a service request topic';
  }
  if (parts[0] === ROOT && parts[1] !== 'clients')
    return 'response topic is in mcp/ but not under mcp/clients/';
  return undefined;
}
