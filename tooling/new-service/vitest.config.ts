import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: reads the repository, writes only in temporary copies of it; integration: generates
// services into a copy of the repository, installs, builds and runs them against a real Mosquitto.
export default defineTestConfig({ integration: { testTimeout: 300_000, hookTimeout: 300_000 } });
