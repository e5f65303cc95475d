import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: no network, no engine (parsers, computations and rules on recorded or written inputs);
// integration: the machine's real Docker engine and a real Mosquitto (a container of that engine).
export default defineTestConfig({ integration: { globalSetup: ['test/support/global-setup.ts'] } });
