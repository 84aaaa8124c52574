import type { Clock } from '../core/clock';
import type { SnoozeView } from '../core/contract';
import type { AlertStateStore } from './alert-state-store';
import type { AuditLog } from './audit-log';
import type { Outbox } from './outbox';
import { snoozesTopic } from './topics';

/** The snoozes in force: listed for the API, cancelled from it (audited), published per camera. */
export class SnoozeBoard {
  constructor(
    private readonly store: AlertStateStore,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** The snoozes in force, for the API (camera/zone/rule key, who, until when). */
  list(): SnoozeView[] {
    return this.store.snoozes(this.clock.now()).map(({ key, snooze }) => {
      const [camera = '', zone = '', rule = ''] = key.split('/');
      return {
        key,
        camera,
        zone,
        rule,
        by: snooze.by,
        until: new Date(snooze.until).toISOString(),
        ...(snooze.note ? { note: snooze.note } : {}),
      };
    });
  }

  /** Cancels a snooze from the API; false when none was in force. Audited and published. */
  cancel(key: string, by: string): boolean {
    const now = this.clock.now();
    if (!this.store.cancelSnooze(key, now)) return false;
    this.audit.record({
      at: new Date(now).toISOString(),
      by,
      via: 'api',
      action: 'snooze-cancel',
      target: key,
    });
    this.publish(key.split('/')[0] ?? '');
    return true;
  }

  /** Retained vigil/<camera>/snoozes: what is silenced on that camera now (an empty list when nothing). */
  publish(camera: string): void {
    const list = this.list().filter((s) => s.camera === camera);
    void this.outbox.enqueue({
      topic: snoozesTopic(camera),
      payload: Buffer.from(
        JSON.stringify({ camera, at: new Date(this.clock.now()).toISOString(), snoozes: list }),
      ),
      retain: true,
    });
  }
}
