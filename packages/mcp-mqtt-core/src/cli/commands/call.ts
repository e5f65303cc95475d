import { RequestTimeoutError } from '../../client/errors.js';
import { parseToolArguments } from '../arguments.js';
import { ExitCode, StepTimeoutError, ToolFailedError, UsageError } from '../errors.js';
import { requireService, requireTool } from '../lookup.js';
import type { Command, CommandContext } from './command.js';

/** The tool's inputSchema, read with tools/list: only needed to type key=value arguments. */
async function inputSchemaOf({ client, interruption }: CommandContext, serviceId: string, tool: string) {
  const purpose = `asked for the argument types of ${tool} before calling it`;
  try {
    const tools = await interruption.race(client.listTools(serviceId), `${serviceId} to answer tools/list`);
    return tools.find((t) => t.name === tool)?.inputSchema;
  } catch (err) {
    throw err instanceof RequestTimeoutError ? new StepTimeoutError(err, purpose) : err;
  }
}

function convert(words: string[], schema: Parameters<typeof parseToolArguments>[1]) {
  try {
    return parseToolArguments(words, schema);
  } catch (err) {
    throw new UsageError(`call: ${(err as Error).message}`);
  }
}

export const callCommand: Command = {
  usage: 'call <service> <tool> [key=value…]',
  arity: [2, Number.POSITIVE_INFINITY],
  async run(context, [serviceId, tool, ...words]) {
    const { client, output, interruption } = context;
    requireTool(requireService(await client.listServices(), serviceId!, 'tools/call'), tool!);
    // No arguments, nothing to type: the call is the only request sent.
    const schema = words.length > 0 ? await inputSchemaOf(context, serviceId!, tool!) : undefined;
    const args = convert(words, schema as never);
    const result = await interruption.race(
      client.callTool(serviceId!, tool!, args),
      `${serviceId} to answer tools/call (${tool}); the call may or may not have run`,
    );
    if (result.isError) throw new ToolFailedError(serviceId!, tool!, result);
    output.result(result, () => JSON.stringify(result.structuredContent ?? result.content, null, 2));
    return ExitCode.ok;
  },
};
