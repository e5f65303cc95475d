/**
 * The floor's responder: bare MQTT.js, QoS 1, TCP_NODELAY; echoes each request's payload to its
 * MQTT 5 Response Topic with the same Correlation Data. No parsing, no validation, no logging.
 *
 *   MQTT_URL=mqtt://127.0.0.1:1883 BARE_TOPIC=bench/bare/request node --import tsx bench/bare-responder.ts
 */
import { connectLean } from './lib/mqtt-requester.js';

const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const topic = process.env.BARE_TOPIC ?? 'bench/bare/request';

const client = await connectLean(url, `bench-bare-responder-${process.pid}`);
client.on('message', (_topic, payload, packet) => {
  const responseTopic = packet.properties?.responseTopic;
  if (!responseTopic) return;
  const correlationData = packet.properties?.correlationData;
  client.publish(responseTopic, payload, {
    qos: 1,
    ...(correlationData ? { properties: { correlationData } } : {}),
  });
});
let stopping = false;
client.on('close', () => {
  if (!stopping) process.exit(1);
});
await client.subscribeAsync(topic, { qos: 1 });
process.stdout.write(`ready ${topic}\n`);

process.on('SIGTERM', () => {
  stopping = true;
  client.end(true, () => process.exit(0));
});
