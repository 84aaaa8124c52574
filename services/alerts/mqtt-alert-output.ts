import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload } from './alert';
import type { MqttPublisher } from './mqtt-publisher';
import { alertsTopic } from './topics';

/** Alerts as JSON on vigil/<camera>/alerts, QoS 1, not retained. */
export class MqttAlertOutput implements AlertOutput {
  constructor(private readonly mqtt: MqttPublisher) {}

  send(alert: AlertPayload): Promise<void> {
    return this.mqtt.publish(alertsTopic(alert.camera), JSON.stringify(alert));
  }
}
