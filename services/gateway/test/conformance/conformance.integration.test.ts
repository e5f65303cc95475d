import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayWithFixture, KEYS } from '../support/gateway.js';
import { runBin } from '../support/programs.js';

/**
 * The official MCP conformance suite against the gateway, as a server: every scenario of its
 * active suite, the ones that need the suite's own fixtures listed in expected-failures.yaml. The
 * suite sends no bearer header, so this gateway uses GATEWAY_API_KEY.
 */
const setting = gatewayWithFixture({ GATEWAY_API_KEY: KEYS.reader });

describe('@modelcontextprotocol/conformance', () => {
  it('passes every server scenario that applies to a gateway', async () => {
    const run = await runBin('conformance', [
      'server',
      '--url',
      setting.gw.endpoint.href,
      '--expected-failures',
      join(import.meta.dirname, 'expected-failures.yaml'),
    ]);
    const output = run.stdout + run.stderr;
    for (const scenario of [
      'server-initialize',
      'ping',
      'tools-list',
      'logging-set-level',
      'resources-list',
      'server-sse-multiple-streams',
      'dns-rebinding-protection',
    ]) {
      expect(output).toMatch(new RegExp(`✓ ${scenario}: \\d+ passed, 0 failed`));
    }
    expect(output).toContain('Baseline check passed: all failures are expected.');
    expect(run.code).toBe(0);
    // The summary line, for the record of the run.
    console.log(output.match(/^Total: .*$/m)?.[0]);
  });
});
