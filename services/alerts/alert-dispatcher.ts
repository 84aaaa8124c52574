import path from 'node:path';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { Frame } from '../core/types';
import type { RuleEvent } from '../behaviour/rule-event';
import type { PixelZone } from '../behaviour/zones';
import { AlertIds, buildAlert } from './alert';
import type { AlertPayload, CameraRef } from './alert';
import { writeSnapshot } from './snapshot';

/** Where finished alerts go: MQTT in the daemon, a JSON-lines file in offline analysis. */
export interface AlertOutput {
  send(alert: AlertPayload): Promise<void>;
}

export interface DispatcherOptions {
  dataDir: string;
  snapshotQuality: number;
  /** Called with the one-line human summary of every alert. */
  announce?: (line: string) => void;
}

/**
 * Turns rule events into alerts: for a `start`, the snapshot is on disk before anything is sent.
 * Failures are logged per alert and never stop the pipeline.
 */
export class AlertDispatcher {
  private readonly ids = new AlertIds();
  sent = 0;
  failed = 0;

  constructor(
    private readonly outputs: AlertOutput[],
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  async dispatch(
    cam: CameraRef,
    frame: Frame,
    zones: readonly PixelZone[],
    events: readonly RuleEvent[],
  ): Promise<AlertPayload[]> {
    const alerts: AlertPayload[] = [];
    for (const e of events) {
      const id = this.ids.idFor(cam.id, e);
      const snapshot = e.type === 'start' ? await this.snapshot(id, cam, frame, zones, e) : null;
      const alert = buildAlert(id, cam, e, snapshot);
      this.log.info(
        {
          alert: {
            id,
            type: alert.type,
            camera: cam.id,
            zone: alert.zone,
            trackId: alert.trackId,
            snapshot,
          },
        },
        alert.summary,
      );
      this.opts.announce?.(alert.summary);
      for (const out of this.outputs) {
        try {
          await out.send(alert);
          this.sent++;
        } catch (err) {
          this.failed++;
          this.log.error({ err: errorMessage(err), alertId: id }, 'alert output failed');
        }
      }
      alerts.push(alert);
    }
    return alerts;
  }

  private async snapshot(
    id: string,
    cam: CameraRef,
    frame: Frame,
    zones: readonly PixelZone[],
    e: RuleEvent,
  ): Promise<string | null> {
    const zone = zones.find((z) => z.id === e.zoneId);
    const day = new Date(e.atMs).toISOString().slice(0, 10);
    const rel = path.join('snapshots', cam.id, day, `${id}.jpg`);
    try {
      await writeSnapshot(
        {
          frame,
          person: e.person,
          zone: { name: e.zoneName, polygon: zone?.polygon ?? [] },
          label: `${e.rule} #${e.trackId} ${e.zoneName}`,
        },
        path.join(this.opts.dataDir, rel),
        this.opts.snapshotQuality,
      );
      return rel;
    } catch (err) {
      this.log.error(
        { err: errorMessage(err), alertId: id },
        'snapshot failed; alert sent without it',
      );
      return null;
    }
  }
}
