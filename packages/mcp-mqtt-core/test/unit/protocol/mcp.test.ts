import { SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { expect, it } from 'vitest';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../../../src/protocol/mcp.js';

it('speaks exactly the protocol revisions of the official SDK', () => {
  expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual(SDK_VERSIONS);
});
