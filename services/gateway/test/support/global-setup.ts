import { useBroker } from '@neurhomia/mcp-mqtt-core/testing';
import type { TestProject } from 'vitest/node';

/** One broker for the whole integration run (or the one at MQTT_URL); files isolate by service id. */
export default async function setup(project: TestProject) {
  const broker = await useBroker();
  project.provide('mqttUrl', broker.url);
  return async () => {
    await broker.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mqttUrl: string;
  }
}
