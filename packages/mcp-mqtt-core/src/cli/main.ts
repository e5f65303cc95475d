#!/usr/bin/env node
import { McpMqttClient } from '../client/client.js';
import { callCommand } from './commands/call.js';
import type { Command } from './commands/command.js';
import { servicesCommand } from './commands/services.js';
import { toolsCommand } from './commands/tools.js';
import { watchCommand } from './commands/watch.js';
import { ExitCode, InterruptedError, UsageError } from './errors.js';
import { Interruption } from './interrupt.js';
import { clientOptions, parseCommandLine, USAGE } from './options.js';
import { Output } from './output.js';

const COMMANDS: Record<string, Command> = {
  services: servicesCommand,
  tools: toolsCommand,
  call: callCommand,
  watch: watchCommand,
};

/** Closing waits for the broker's goodbye at most this long: a signal must end the CLI promptly. */
const CLOSE_TIMEOUT_MS = 1_000;

function commandFor(name: string, args: string[]): Command {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command)
    throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  const [min, max] = command.arity;
  if (args.length < min || args.length > max) throw new UsageError(command.usage);
  return command;
}

async function run(argv: string[], interruption: Interruption): Promise<number> {
  let output = new Output(false);
  let command: Command | undefined;
  try {
    const line = parseCommandLine(argv);
    output = new Output(line.json);
    if (line.help) {
      process.stdout.write(`${USAGE}\n`);
      return ExitCode.ok;
    }
    if (!line.command) {
      process.stderr.write(`${USAGE}\n`);
      return ExitCode.usage;
    }
    command = commandFor(line.command, line.args);
    const client = await McpMqttClient.connect(clientOptions(line, interruption.signal)).catch((err) => {
      if (err instanceof InterruptedError || (err as Error).message.includes(line.url)) throw err;
      throw new Error(`cannot connect to the broker at ${line.url}: ${(err as Error).message}`);
    });
    try {
      return await command.run({ client, output, interruption }, line.args);
    } finally {
      await Promise.race([
        client.close(),
        new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
      ]);
    }
  } catch (err) {
    if (err instanceof InterruptedError && command?.endsOnSignal) return ExitCode.ok;
    return output.error(err);
  }
}

const interruption = new Interruption();
run(process.argv.slice(2), interruption).then((code) => process.exit(code));
