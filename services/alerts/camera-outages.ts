import path from 'node:path';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { CameraHealthEvent, CameraStatus } from '../core/camera-status';
import { PersistedMap } from '../core/persisted-map';
import type { Outbox } from './outbox';
import type { CameraHealthPayload } from './payload-schemas';
import { healthTopic } from './topics';
import { isOutage } from './state-checks';

/**
 * camera_offline / camera_online on vigil/<camera>/health, durable (outbox), so a clerk learns of
 * an outage after a broker outage too; an outage announced before a restart is not announced
 * again, and ends with the first id.
 */
export class CameraOutages {
  /**
   * Outages announced (camera_offline sent) and not yet over, on disk: after a restart a camera
   * still down is not announced again under a new id, and its camera_online carries the first id.
   */
  private readonly outages: PersistedMap<{ id: string; downSinceMs: number }>;
  /** Cameras whose outage this run's own offline watch has seen: it ends them itself. */
  private readonly watchedHere = new Set<string>();

  constructor(
    dataDir: string,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly announce?: (line: string) => void,
  ) {
    this.outages = new PersistedMap(
      path.join(dataDir, 'open-outages.json'),
      log,
      'outages',
      isOutage,
    );
  }

  /** A camera's new status: a stopped camera's watch is gone, a streaming one ends an old outage. */
  onStatus(s: CameraStatus): void {
    // A camera stopped (restarted by a config change, removed) takes its offline watch with it:
    // an outage it announced is now one "from before", ended by whatever runs the camera next.
    if (s.state === 'stopped') this.watchedHere.delete(s.id);
    this.endOutageFromBefore(s);
  }

  publish(e: CameraHealthEvent, s: CameraStatus): void {
    const before = this.outages.get(s.id);
    if (e.type === 'camera_offline') {
      this.watchedHere.add(s.id);
      if (before) {
        this.log.info(
          { camera: s.id, outage: before.id },
          'camera still down since before the restart; not announced again',
        );
        return;
      }
      this.outages.set(s.id, { id: e.id, downSinceMs: e.downSinceMs });
    } else {
      this.watchedHere.delete(s.id);
      this.outages.delete(s.id);
      if (before) e = { ...e, id: before.id, downSinceMs: before.downSinceMs };
    }
    const payload = healthPayload(e, s);
    this.log.warn(
      { code: e.type === 'camera_offline' ? 'VIGIL_ERR_CAMERA_OFFLINE' : undefined, camera: s.id },
      payload.summary,
    );
    this.announce?.(payload.summary);
    void this.outbox.enqueue({
      topic: healthTopic(s.id),
      payload: Buffer.from(JSON.stringify(payload)),
      retain: false,
    });
  }

  /**
   * A camera that streams again after a restart, whose outage was announced by the previous run
   * (the daemon died or stopped while it was down), gets its camera_online now.
   */
  private endOutageFromBefore(s: CameraStatus): void {
    const before = this.outages.get(s.id);
    if (!before || s.state !== 'streaming' || this.watchedHere.has(s.id)) return;
    this.publish(
      {
        id: before.id,
        type: 'camera_online',
        downSinceMs: before.downSinceMs,
        atMs: this.clock.now(),
        state: s.state,
      },
      s,
    );
  }
}

/** The camera_offline / camera_online message, with its one-line summary. */
function healthPayload(e: CameraHealthEvent, s: CameraStatus): CameraHealthPayload {
  const name = s.name || s.id;
  const downSeconds = Math.round((e.atMs - e.downSinceMs) / 1000);
  const summary =
    e.type === 'camera_offline'
      ? `CAMERA OFFLINE ${name}: down for ${downSeconds}s (${s.state}${s.lastError ? `, ${s.lastError.code}` : ''})`
      : `CAMERA ONLINE ${name}: back after ${downSeconds}s`;
  return {
    schemaVersion: 1,
    id: e.id,
    type: e.type,
    camera: s.id,
    cameraName: name,
    at: new Date(e.atMs).toISOString(),
    downSince: new Date(e.downSinceMs).toISOString(),
    downSeconds,
    state: e.state,
    lastError: s.lastError
      ? { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at }
      : null,
    summary,
  };
}
