import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  InterruptedError,
  StepTimeoutError,
  ToolFailedError,
  UnknownServiceError,
  UnknownToolError,
  UsageError,
} from '../../../src/cli/errors.js';
import { Output, reportError } from '../../../src/cli/output.js';
import {
  ConnectionLostError,
  RemoteError,
  RequestTimeoutError,
  ServiceOfflineError,
} from '../../../src/client/errors.js';
import type { ServiceStatus } from '../../../src/client/services.js';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

const known = (serviceId: string, status: 'ready' | 'offline') =>
  ({ serviceId, discovery: { status } }) as unknown as ServiceStatus;

describe('CLI output: results to stdout, every error to stderr with a non-zero exit code', () => {
  const failures: Array<[string, unknown, number]> = [
    ['usage', new UsageError('tools <service>'), 2],
    ['remote error', new RemoteError(-32602, 'Invalid params: days', { param: 'days' }), 1],
    ['tool isError', new ToolFailedError('weather', 'get_forecast', failedResult()), 1],
    ['timeout', new RequestTimeoutError('weather', 'tools/call', 500, true), 1],
    ['unknown service', new UnknownServiceError('wether', [known('weather', 'ready')], 'weather'), 1],
    ['unknown tool', new UnknownToolError('weather', 'forecast', ['get_forecast'], 'get_forecast'), 1],
    ['offline', new ServiceOfflineError('weather', 'tools/call', '2026-11-28T10:05:00.000Z'), 1],
    ['connection lost', new ConnectionLostError('weather', 'tools/call'), 1],
    ['SIGINT', new InterruptedError('SIGINT', 'weather to answer tools/call'), 130],
    ['SIGTERM', new InterruptedError('SIGTERM'), 143],
    ['anything else', new Error('cannot connect to the broker at mqtt://x:1883'), 1],
  ];

  for (const json of [false, true]) {
    it.each(failures)(`${json ? 'JSON' : 'text'}: %s`, (_name, error, exitCode) => {
      const stdout = sink();
      const stderr = sink();
      expect(new Output(json, stdout, stderr).error(error)).toBe(exitCode);
      expect(stdout.text()).toBe('');
      expect(stderr.text()).toMatch(/\n$/);
      if (json) {
        const line = stderr.text().trimEnd();
        expect(line).not.toContain('\n');
        expect(JSON.parse(line)).toMatchObject({
          error: { type: expect.any(String), message: expect.any(String) },
        });
      }
    });
  }

  it('writes results to stdout only: indented JSON documents, one-line NDJSON for streams', () => {
    const stdout = sink();
    const stderr = sink();
    const output = new Output(true, stdout, stderr);
    output.result({ a: 1 }, () => 'text');
    output.line({ type: 'beat', nested: { b: 2 } }, () => 'text');
    expect(stdout.text()).toBe('{\n  "a": 1\n}\n{"type":"beat","nested":{"b":2}}\n');
    expect(stderr.text()).toBe('');
  });
});

function failedResult() {
  const data = { error: 'OpenWeatherMap rate limit reached for "Lyon"; try again later', retry_after_s: 60 };
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data, isError: true };
}

describe('CLI error messages', () => {
  it('names the tool and its message for an isError result, with the other members', () => {
    const report = reportError(new ToolFailedError('weather', 'get_forecast', failedResult()));
    expect(report.text).toBe(
      'error: weather/get_forecast failed: OpenWeatherMap rate limit reached for "Lyon"; try again later\n{\n  "retry_after_s": 60\n}',
    );
  });

  it('lists the known services and the closest id for an unknown one', () => {
    const report = reportError(
      new UnknownServiceError('wether', [known('weather', 'ready'), known('lights', 'offline')], 'weather'),
    );
    expect(report.text).toBe(
      'error: no service "wether" is announced on the broker. Did you mean "weather"?\nknown services: weather (ready), lights (offline)',
    );
    expect(reportError(new UnknownServiceError('x', [], undefined)).text).toContain(
      'no service is announced on this broker',
    );
  });

  it('says when an offline service went offline', () => {
    expect(
      reportError(new ServiceOfflineError('weather', 'tools/call', '2026-11-28T10:05:00.000Z')).text,
    ).toBe('error: weather is offline (since 2026-11-28T10:05:00.000Z, per its discovery document)');
  });

  it('names the method really sent on a timeout, why it was sent, and hints at MCP_API_KEY without a key', () => {
    const withoutKey = reportError(new RequestTimeoutError('weather', 'tools/call', 500, true));
    expect(withoutKey.text).toMatch(
      /^error: no answer from weather to tools\/call within 500 ms\nhint: .*MCP_API_KEY/,
    );
    const withKey = reportError(new RequestTimeoutError('weather', 'tools/call', 500, false));
    expect(withKey.text).toBe('error: no answer from weather to tools/call within 500 ms');
    const step = reportError(
      new StepTimeoutError(
        new RequestTimeoutError('weather', 'tools/list', 500, false),
        'to type the arguments',
      ),
    );
    expect(step.text).toBe(
      'error: no answer from weather to tools/list (to type the arguments) within 500 ms',
    );
  });
});
