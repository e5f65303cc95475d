import { defineTestConfig } from '@neurhomia/vitest-config';

// unit: no network but 127.0.0.1 (the Home Assistant simulator in process);
// integration: a real Mosquitto (testcontainers, or the broker at MQTT_URL).
export default defineTestConfig();
