import type { ServiceStatus } from '../../client/services.js';
import { ExitCode } from '../errors.js';
import type { Command } from './command.js';

function describe(status: ServiceStatus): string {
  const { serviceId, discovery } = status;
  const state = discovery.status === 'offline' ? `offline since ${discovery.timestamp}` : discovery.status;
  return `${serviceId.padEnd(20)} ${state.padEnd(8)} v${discovery.version}  ${discovery.capabilities.tools.join(', ')}`;
}

export const servicesCommand: Command = {
  usage: 'services',
  arity: [0, 0],
  async run({ client, output }) {
    const services = await client.listServices();
    output.result(
      services.map((s) => s.discovery),
      () => (services.length === 0 ? 'no service announced' : services.map(describe).join('\n')),
    );
    return ExitCode.ok;
  },
};
