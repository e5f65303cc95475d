import type { McpMqttClient } from '../../client/client.js';
import type { Interruption } from '../interrupt.js';
import type { Output } from '../output.js';

export interface CommandContext {
  client: McpMqttClient;
  output: Output;
  interruption: Interruption;
}

export interface Command {
  /** `tools <service>`: shown in usage errors. */
  usage: string;
  /** How many positional arguments it takes: [min, max]. */
  arity: [number, number];
  /** A signal is this command's normal end (exit 0), not an interruption. */
  endsOnSignal?: boolean;
  /** Runs with a connected client whose service list is already in; returns the exit code. */
  run(context: CommandContext, args: string[]): Promise<number>;
}
