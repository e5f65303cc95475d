import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: no network but 127.0.0.1 (providers against the in-process upstream simulator);
// integration: a real Mosquitto (testcontainers, or the broker at MQTT_URL).
export default defineTestConfig();
