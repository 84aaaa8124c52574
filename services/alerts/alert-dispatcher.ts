import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { Detection, Frame } from '../core/types';
import { blurHeads, headRects } from './head-blur';
import type { Rect } from './head-blur';
import type { RuleEvent } from '../behaviour/rule-event';
import type { PixelZone } from '../behaviour/zones';
import { buildAlert, summarise } from './alert';
import type { Ack } from './alert-state-store';
import type { ClipRef, Escalation, Feedback } from './payload-schemas';
import type { AlertPayload, CameraRef } from './alert';
import type { Incident, IncidentManager } from './incidents';
import { OpenIncidents, restartEnd } from './open-incidents';
import { writeFullSnapshot, writeSnapshot } from './snapshot';
import { fullSnapshotTopic, snapshotTopic } from './topics';

/** The person crop beside a snapshot: <id>-crop.jpg (retention treats it as a snapshot). */
export const cropOf = (snapshot: string | null) =>
  snapshot ? snapshot.replace(/\.jpg$/, '-crop.jpg') : null;

/** Where finished alerts go: the MQTT outbox in the daemon, a JSON-lines file offline. */
export interface AlertOutput {
  /** The snapshot JPEG of a `start`, sent before the alert itself. */
  sendSnapshot?(camera: string, alertId: string, jpeg: Buffer): void | Promise<void>;
  /** A full-resolution still of a `start`, sent after it (it takes a grab from the camera). */
  sendFullSnapshot?(camera: string, alertId: string, jpeg: Buffer): void | Promise<void>;
  send(alert: AlertPayload): void | Promise<void>;
}

export interface DispatcherOptions {
  dataDir: string;
  snapshotQuality: number;
  snapshotWidth: number;
  /** Called with the one-line human summary of every alert published. */
  announce?: (line: string) => void;
  /** Fetches a full-resolution still (cameras with source.snapshotUrl). */
  grabStill?: (url: string) => Promise<Buffer>;
  /** Where open incidents are kept across a crash; undefined: memory only. */
  openIncidentsFile?: string;
  /** Event clips: a start holds its camera's recording, an end waits for its clip. */
  clips?: ClipMaker;
}

/** What the dispatcher needs of the event clips (ClipService). */
export interface ClipMaker {
  onStart(alert: AlertPayload): void;
  /** True when this end has a recording to wait for. */
  records(alert: AlertPayload): boolean;
  /** The clip of an ended incident, or null; never rejects. */
  finish(end: AlertPayload): Promise<ClipRef | null>;
}

/**
 * Turns rule events into alert messages through the incident lifecycle. For a `start` the
 * snapshot is written to disk and handed to the outputs before the alert. Failures are logged
 * per alert and never stop the pipeline.
 */
export class AlertDispatcher {
  sent = 0;
  failed = 0;
  readonly byRule = new Map<string, number>();
  /** The last message of each open incident (to echo clerk actions), kept on disk. */
  private readonly lastOpen: OpenIncidents;
  /** Work dispatch started and the pipeline never awaits: full-resolution grabs, ends waiting for their clip. */
  private readonly grabbing = new Set<Promise<void>>();
  private readonly grabbingFor = new Set<string>();
  /** The last concealment alert of each person (camera/track), for their walkout. */
  private readonly concealments = new Map<string, NonNullable<AlertPayload['concealment']>>();

  constructor(
    private readonly outputs: AlertOutput[],
    private readonly incidents: IncidentManager,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
  ) {
    this.lastOpen = new OpenIncidents(opts.openIncidentsFile, log);
  }

  async dispatch(
    cam: CameraRef,
    frame: Frame,
    zones: readonly PixelZone[],
    events: readonly RuleEvent[],
    /** Everyone in the frame, whose heads a snapshot blurs (besides each event's person). */
    people: readonly Pick<Detection, 'box' | 'keypoints'>[] = [],
  ): Promise<AlertPayload[]> {
    const alerts: AlertPayload[] = [];
    const shown = cam.blurHeads === false ? frame : undefined;
    const blurred = () => shown ?? blurHeads(frame, [...people, ...events.map((e) => e.person)]);
    for (const e of events) {
      const d = this.incidents.handle(cam.id, e);
      if (!d) continue;
      if (!d.publish) {
        if (e.type === 'start')
          this.log.info(
            { camera: cam.id, zone: e.zoneId, trackId: e.trackId, reason: d.incident.suppressedBy },
            'alert held back',
          );
        continue;
      }
      const snapshot =
        d.publish === 'start' ? await this.snapshot(d.incident.id, cam, blurred(), zones, e) : null;
      // One grab per camera at a time: a burst of starts must not start a burst of ffmpegs.
      const full =
        d.publish === 'start' &&
        !!cam.snapshotUrl &&
        !!this.opts.grabStill &&
        !this.grabbingFor.has(cam.id);
      const alert = buildAlert(
        {
          id: d.incident.id,
          type: d.publish,
          seq: d.incident.seq,
          severity: d.incident.severity,
          ack: d.ack,
          snapshot,
          snapshotTopic: snapshot ? snapshotTopic(cam.id, d.incident.id) : null,
          fullSnapshotTopic: full ? fullSnapshotTopic(cam.id, d.incident.id) : undefined,
          crop: d.publish === 'start' ? cropOf(snapshot) : undefined,
        },
        cam,
        e,
      );
      this.linkConcealment(alert);
      alerts.push(alert);
      if (alert.type === 'start') this.opts.clips?.onStart(alert);
      if (alert.type === 'end' && this.opts.clips?.records(alert)) {
        this.track(cam.id, this.endWithClip(alert), false);
        continue;
      }
      await this.emit(alert, snapshot);
      if (full) {
        const heads =
          cam.blurHeads === false
            ? []
            : [...people, ...events.map((x) => x.person)].flatMap(headRects);
        this.track(cam.id, this.fullSnapshot(d.incident.id, cam, frame, zones, e, heads));
      }
    }
    return alerts;
  }

  /** Sends an alert message built elsewhere (clerk acknowledgements echo the incident). */
  async emit(alert: AlertPayload, snapshot: string | null = null): Promise<void> {
    const jpeg = snapshot ? await readFile(path.join(this.opts.dataDir, snapshot)) : undefined;
    // On disk before any output can deliver it: a crash after a start reached a clerk always
    // leaves the incident to be ended at the next start (the outbox delivers as soon as its own
    // write is done, which can be before this method resumes). A crash between the two leaves
    // at worst an `end` whose start was never sent, never a start that is never ended.
    this.lastOpen.record(alert);
    for (const out of this.outputs) {
      try {
        if (jpeg) await out.sendSnapshot?.(alert.camera, alert.id, jpeg);
        await out.send(alert);
        this.sent++;
      } catch (err) {
        this.failed++;
        this.log.error({ err: errorMessage(err), alertId: alert.id }, 'alert output failed');
      }
    }
    // Logged once the outputs hold it (the outbox has it on disk).
    this.log.info(
      {
        alert: {
          id: alert.id,
          type: alert.type,
          seq: alert.seq,
          camera: alert.camera,
          zone: alert.zone,
          trackId: alert.trackId,
          severity: alert.severity,
          snapshot,
        },
      },
      alert.summary,
    );
    this.opts.announce?.(alert.summary);
    this.byRule.set(
      alert.rule,
      (this.byRule.get(alert.rule) ?? 0) + (alert.type === 'start' ? 1 : 0),
    );
  }

  /**
   * Ends each incident the previous run left open (a crash, kill -9): one `end` with
   * endReason 'restart', under the incident's own id. Called once, before cameras start.
   */
  async endLeftovers(nowMs: number): Promise<number> {
    for (const last of this.lastOpen.leftover) await this.emit(restartEnd(last, nowMs));
    return this.lastOpen.leftover.length;
  }

  /**
   * Publishes an `update` of an open incident carrying a clerk's acknowledgement or verdict, or
   * its escalation (nobody answered in time).
   */
  async echo(
    incident: Incident,
    change: { ack?: Ack | null; feedback?: Feedback; escalation?: Escalation },
    nowMs: number,
  ): Promise<void> {
    const last = this.lastOpen.get(incident.id);
    if (!last) return;
    incident.seq++;
    // An earlier escalation and the start's crop are not carried into this update.
    const rest: Partial<AlertPayload> = { ...last };
    delete rest.escalation;
    delete rest.crop;
    const base = {
      ...(rest as AlertPayload),
      ...change,
      ack: change.ack ?? last.ack,
      type: 'update' as const,
      seq: incident.seq,
      at: new Date(nowMs).toISOString(),
      snapshot: null,
      snapshotTopic: null,
    };
    const said = change.escalation
      ? `unanswered after ${change.escalation.unansweredSeconds}s: escalated (${change.escalation.level}/${change.escalation.of}) to ${[...change.escalation.to.logins, ...change.escalation.to.roles].join(', ')}`
      : change.feedback
        ? `judged ${change.feedback.verdict === 'confirmed' ? 'confirmed' : 'a false alarm'} by ${change.feedback.by}`
        : `acknowledged by ${change.ack?.by ?? '?'}`;
    await this.emit({ ...base, summary: `${summarise(base)}; ${said}` });
  }

  /** Waits for full-resolution stills being grabbed and ends waiting for their clip (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.grabbing.size > 0) await Promise.all([...this.grabbing]);
  }

  private track(camera: string, p: Promise<void>, oneAtATime = true): void {
    this.grabbing.add(p);
    if (oneAtATime) this.grabbingFor.add(camera);
    void p.finally(() => {
      this.grabbing.delete(p);
      if (oneAtATime) this.grabbingFor.delete(camera);
    });
  }

  /** A concealment start is remembered; the same person's walkout start carries it. */
  private linkConcealment(alert: AlertPayload): void {
    if (alert.type !== 'start') return;
    const key = `${alert.camera}/${alert.trackId}`;
    if (alert.rule === 'concealment') {
      this.concealments.delete(key);
      this.concealments.set(key, { alertId: alert.id, snapshot: alert.snapshot, at: alert.at });
      // Bounded: the oldest people are forgotten first.
      if (this.concealments.size > 1000)
        this.concealments.delete(this.concealments.keys().next().value!);
    } else if (alert.rule === 'walkout') {
      const c = this.concealments.get(key);
      if (c) alert.concealment = c;
    }
  }

  /**
   * An end held back for its clip (the post-roll is still being recorded), sent with it. A clerk's
   * answer in the meantime took a seq: the end comes after it.
   */
  private async endWithClip(end: AlertPayload): Promise<void> {
    const clip = await this.opts.clips!.finish(end);
    const seq = Math.max(end.seq, (this.lastOpen.get(end.id)?.seq ?? -1) + 1);
    await this.emit(clip ? { ...end, seq, clip } : { ...end, seq });
  }

  private scene(frame: Frame, zones: readonly PixelZone[], e: RuleEvent) {
    const zone = zones.find((z) => z.id === e.zoneId);
    return {
      frame,
      person: e.person,
      zone: { name: e.zoneName, polygon: zone?.polygon ?? [] },
      label: `${e.rule} #${e.trackId} ${e.zoneName}`,
    };
  }

  private async fullSnapshot(
    id: string,
    cam: CameraRef,
    frame: Frame,
    zones: readonly PixelZone[],
    e: RuleEvent,
    heads: readonly Rect[],
  ): Promise<void> {
    try {
      const still = await this.opts.grabStill!(cam.snapshotUrl!);
      const rel = path.join(
        'snapshots',
        cam.id,
        new Date(e.atMs).toISOString().slice(0, 10),
        `${id}-full.jpg`,
      );
      const jpeg = await writeFullSnapshot(
        this.scene(frame, zones, e),
        still,
        path.join(this.opts.dataDir, rel),
        this.opts.snapshotQuality,
        heads,
      );
      for (const out of this.outputs) await out.sendFullSnapshot?.(cam.id, id, jpeg);
      this.log.info({ alertId: id, snapshot: rel }, 'full-resolution snapshot sent');
    } catch (err) {
      this.log.warn(
        { code: 'VIGIL_ERR_SNAPSHOT_FAILED', err: errorMessage(err), alertId: id },
        'full-resolution snapshot failed; the alert keeps its analysis-frame snapshot',
      );
    }
  }

  private async snapshot(
    id: string,
    cam: CameraRef,
    frame: Frame,
    zones: readonly PixelZone[],
    e: RuleEvent,
  ): Promise<string | null> {
    const day = new Date(e.atMs).toISOString().slice(0, 10);
    const rel = path.join('snapshots', cam.id, day, `${id}.jpg`);
    try {
      await writeSnapshot(
        this.scene(frame, zones, e),
        path.join(this.opts.dataDir, rel),
        this.opts.snapshotQuality,
        this.opts.snapshotWidth,
        path.join(this.opts.dataDir, cropOf(rel)!),
      );
      return rel;
    } catch (err) {
      this.log.error(
        { code: 'VIGIL_ERR_SNAPSHOT_FAILED', err: errorMessage(err), alertId: id },
        'snapshot failed; alert sent without it',
      );
      return null;
    }
  }
}
