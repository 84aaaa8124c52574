import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** A real MQTT.js subscriber that records everything under a filter. */
/** With `session`, a persistent session: the broker keeps QoS 1 messages while it reconnects. */
export async function recordMqtt(
  url: string,
  filter = 'vigil/#',
  session?: { clientId: string },
  login?: { username: string; password: string },
): Promise<{ client: MqttClient; messages: Received[] }> {
  const client = await mqtt.connectAsync(url, {
    ...login,
    clientId: session?.clientId ?? `rec-${Math.random().toString(16).slice(2)}`,
    clean: !session,
    reconnectPeriod: 200,
  });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload, retain: packet.retain }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, messages };
}
