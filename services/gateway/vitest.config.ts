import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: no network but 127.0.0.1; integration: a real Mosquitto (testcontainers, or the broker at
// MQTT_URL), services in this process, the gateway over HTTP; the Chromium, conformance and
// Inspector tests run other programs. Two cores: files run two at a time, and integration files
// isolate by service id on one broker.
export default defineTestConfig({
  maxForks: 2,
  integration: { globalSetup: ['test/support/global-setup.ts'], hookTimeout: 120_000 },
});
