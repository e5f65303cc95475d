import { ExitCode } from '../errors.js';
import { formatTool } from '../format/schema.js';
import { requireService } from '../lookup.js';
import type { Command } from './command.js';

export const toolsCommand: Command = {
  usage: 'tools <service>',
  arity: [1, 1],
  async run({ client, output, interruption }, [serviceId]) {
    requireService(await client.listServices(), serviceId!, 'tools/list');
    const tools = await interruption.race(client.listTools(serviceId!), `${serviceId} to answer tools/list`);
    output.result(tools, () => tools.map(formatTool).join('\n'));
    return ExitCode.ok;
  },
};
