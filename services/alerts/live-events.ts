import { EventEmitter } from 'node:events';
import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload } from './payload-schemas';
import type { LiveAnswer } from '../core/contract';

/** What the console's live channel (GET /api/events) carries. */
export type LiveEvent =
  | { type: 'alert'; alert: AlertPayload }
  | ({ type: 'answer' } & LiveAnswer)
  | { type: 'snoozes'; camera: string };

/**
 * In-process fan-out of alert messages and clerk answers to the open consoles: every alert
 * message sent (an AlertOutput), and every answer however it came (MQTT or API).
 */
export class LiveEvents implements AlertOutput {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open console; the API bounds how many may be open.
    this.emitter.setMaxListeners(0);
  }

  send(alert: AlertPayload): void {
    this.publish({ type: 'alert', alert });
  }

  publish(e: LiveEvent): void {
    this.emitter.emit('event', e);
  }

  /** Answers the unsubscribe function. */
  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
}
