import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload } from './alert';
import type { Outbox } from './outbox';
import { alertsTopic, fullSnapshotTopic, snapshotTopic } from './topics';

/**
 * Alerts through the durable outbox: the snapshot JPEG on vigil/<camera>/alerts/<id>/snapshot,
 * then the JSON on vigil/<camera>/alerts, QoS 1, in that order; a full-resolution still later on
 * .../snapshot/full when the camera has one.
 */
export class MqttAlertOutput implements AlertOutput {
  constructor(private readonly outbox: Outbox) {}

  sendSnapshot(camera: string, alertId: string, jpeg: Buffer): Promise<void> {
    return this.outbox.enqueue({
      topic: snapshotTopic(camera, alertId),
      payload: jpeg,
      retain: false,
    });
  }

  sendFullSnapshot(camera: string, alertId: string, jpeg: Buffer): Promise<void> {
    return this.outbox.enqueue({
      topic: fullSnapshotTopic(camera, alertId),
      payload: jpeg,
      retain: false,
    });
  }

  /** Resolves once the alert is on disk in the outbox: what the dispatcher reports as accepted. */
  send(alert: AlertPayload): Promise<void> {
    return this.outbox.enqueue({
      topic: alertsTopic(alert.camera),
      payload: Buffer.from(JSON.stringify(alert)),
      retain: false,
    });
  }
}
