import { describe, expect, it } from 'vitest';
import {
  clientIdFromTopic,
  isValidServiceId,
  responseTopicRefusal,
  serviceTopics,
} from '../../../src/protocol/topics.js';

describe('topics', () => {
  it('lays out a service namespace as the seed does', () => {
    const t = serviceTopics('weather');
    expect(t.request).toBe('mcp/weather/jsonrpc/request');
    expect(t.sharedRequest).toBe('$share/weather/mcp/weather/jsonrpc/request');
    expect(t.event('weather_alert')).toBe('mcp/weather/events/weather_alert');
  });

  it.each(['weather', 'ha-bridge', 'a'])('accepts service id %s', (id) =>
    expect(isValidServiceId(id)).toBe(true),
  );
  it.each(['system', 'clients', 'Weather', '1abc', 'a/b', 'a+b', ''])('refuses service id %j', (id) =>
    expect(isValidServiceId(id)).toBe(false),
  );

  it.each([
    ['$SYS/broker', 'starts with $'],
    ['mcp/clients/+/x', 'wildcard'],
    ['mcp/clients/#', 'wildcard'],
    ['mcp/docker-manager/jsonrpc/request', 'request topic'],
    ['mcp/weather/heartbeat', 'not under mcp/clients/'],
    ['mcp/weather/events/weather_alert', 'not under mcp/clients/'],
  ])('refuses response topic %s', (topic, reason) => expect(responseTopicRefusal(topic)).toContain(reason));

  it('accepts a client response topic and reads its client id', () => {
    expect(responseTopicRefusal('mcp/clients/cli/ab12/response')).toBeUndefined();
    expect(responseTopicRefusal('home/assistant/replies')).toBeUndefined(); // outside mcp/: the broker ACL decides
    expect(clientIdFromTopic('mcp/clients/cli/ab12/response')).toBe('cli');
  });
});
