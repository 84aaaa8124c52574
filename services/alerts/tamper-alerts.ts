import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import { DIR_MODE, FILE_MODE } from '../core/state-file';
import type { Logger } from '../core/logger';
import type { TamperKind } from '../pipeline/tamper-detector';
import type { TamperNotice, TamperPicture } from '../pipeline/tamper-watch';
import type { CameraRef } from './alert';
import { blurHeads } from './head-blur';
import type { Outbox } from './outbox';
import type { CameraTamperPayload } from './payload-schemas';
import { renderScene } from './snapshot';
import { healthTopic, tamperSnapshotTopic } from './topics';

const WHAT: Record<TamperKind, string> = {
  covered: 'the picture is covered or black',
  blinded: 'the camera is blinded (the picture is washed out)',
  moved: 'the camera was moved (the scene no longer matches)',
  defocused: 'the picture is out of focus',
};

/**
 * Tamper alerts: the before/after JPEGs (heads pixelated as everywhere) on disk and on their
 * topics, then the message on vigil/<camera>/health, all through the outbox (a broker outage
 * loses none). Never throws: a picture that cannot be rendered leaves the alert without it.
 */
export class TamperAlerts {
  constructor(
    private readonly outbox: Outbox,
    private readonly dataDir: string,
    private readonly quality: number,
    private readonly log: Logger,
    private readonly announce?: (line: string) => void,
  ) {}

  async publish(n: TamperNotice, cam: CameraRef): Promise<CameraTamperPayload> {
    const e = n.event;
    const name = cam.name || cam.id;
    const seconds = Math.round((e.atMs - e.sinceMs) / 100) / 10;
    const raised = e.type === 'tamper';
    const summary = raised
      ? `TAMPER ${name}: ${WHAT[e.kind]} (for ${seconds}s)`
      : `TAMPER CLEARED ${name}: ${e.reason === 'relearned' ? `still moved after ${Math.round(seconds / 60)} min; its new view is the reference now` : `the picture is back after ${seconds}s`}`;
    const r = e.reading;
    const measures = {
      brightness: r.brightness,
      contrast: r.contrast,
      clipped: r.clipped,
      blankCells: r.blankCells,
      blurredCells: r.blurredCells,
      movedCells: r.movedCells,
    };
    const payload: CameraTamperPayload = {
      schemaVersion: 1,
      id: n.id,
      type: e.type,
      kind: e.kind,
      camera: cam.id,
      cameraName: name,
      at: new Date(e.atMs).toISOString(),
      since: new Date(e.sinceMs).toISOString(),
      seconds,
      severity: 'high',
      measures,
      before: raised ? await this.picture(n, cam, 'before', n.before) : null,
      after: raised ? await this.picture(n, cam, 'after', n.after) : null,
      ...(e.type === 'tamper_cleared' ? { reason: e.reason } : {}),
      summary,
    };
    await this.outbox.enqueue({
      topic: healthTopic(cam.id),
      payload: Buffer.from(JSON.stringify(payload)),
      retain: false,
    });
    this.log.warn({ camera: cam.id, tamper: n.id, kind: e.kind, type: e.type, measures }, summary);
    this.announce?.(summary);
    return payload;
  }

  private async picture(
    n: TamperNotice,
    cam: CameraRef,
    which: 'before' | 'after',
    p: TamperPicture | undefined,
  ): Promise<{ snapshot: string; topic: string } | null> {
    if (!p) return null;
    try {
      const frame = cam.blurHeads === false ? p.frame : blurHeads(p.frame, p.people);
      const jpeg = await renderScene(frame, [], [], this.quality);
      const day = new Date(n.event.atMs).toISOString().slice(0, 10);
      const rel = path.join('snapshots', cam.id, day, `${n.id}-tamper-${which}.jpg`);
      await mkdir(path.dirname(path.join(this.dataDir, rel)), { recursive: true, mode: DIR_MODE });
      await writeFile(path.join(this.dataDir, rel), jpeg, { mode: FILE_MODE });
      const topic = tamperSnapshotTopic(cam.id, n.id, which);
      void this.outbox.enqueue({ topic, payload: jpeg, retain: false });
      return { snapshot: rel, topic };
    } catch (err) {
      this.log.error(
        { code: 'VIGIL_ERR_SNAPSHOT_FAILED', err: errorMessage(err), tamper: n.id, which },
        'tamper picture not written; the alert goes without it',
      );
      return null;
    }
  }
}
