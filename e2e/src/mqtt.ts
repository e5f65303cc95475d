import mqtt from 'mqtt';

/**
 * A raw MQTT 5 connection for the broker-level checks (refused logins, ACL, TLS): credentials and
 * any other MQTT.js option (clientId, ca…); no reconnection.
 */
export async function rawConnect(
  url: string,
  options: { username: string; password: string } & mqtt.IClientOptions,
) {
  const client = await mqtt.connectAsync(
    url,
    { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, ...options },
    false, // a connection closed before CONNACK (e.g. plaintext on a TLS port) rejects
  );
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.endAsync() });
}

/** "Cannot read" = nothing delivered within 2 s after subscribing. */
export async function deliveredWithin(
  client: mqtt.MqttClient,
  filter: string,
  publish: () => Promise<unknown>,
  ms = 2_000,
) {
  const received: string[] = [];
  const onMessage = (topic: string) => received.push(topic);
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 1 });
  await publish();
  await new Promise((resolve) => setTimeout(resolve, ms));
  client.off('message', onMessage);
  return received;
}
