import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: no network but 127.0.0.1, no Docker (the service through the core's createServer);
// integration: a real Mosquitto (testcontainers, or the broker at MQTT_URL).
export default defineTestConfig();
