import { inQuietHours } from '../core/time-windows';
import type { TrackedPerson } from '../core/types';
import { footPoint } from '../core/geometry';
import type { Rule, RuleFrame } from './rule';
import type { RuleEvent, RuleEvidence, RuleName } from './rule-event';
import type { PixelZone } from './zones';
import { zonesContaining } from './zones';

/** A journey outlives its track this long, so a person the tracker finds again keeps it. */
const KEEP_MS = 60_000;
/** Out of a restricted zone (or out of sight) this long ends the intrusion. */
const GRACE_MS = 2000;

/** Frames a person must be seen inside a restricted zone before it is an intrusion (no ghosts). */
const CONFIRM_FRAMES = 2;

interface Journey {
  person: TrackedPerson;
  /** Consecutive frames seen inside each restricted zone not yet alerted. */
  entering: Map<string, number>;
  lastSeenMs: number;
  /** The latest concealment of this person, and whether a checkout came after it. */
  concealed?: { atMs: number; evidence?: RuleEvidence; zoneName: string };
  paidSince?: number;
  walkout?: { zone: PixelZone; startedAtMs: number; lastMs: number };
  intrusions: Map<string, { zone: PixelZone; startedAtMs: number; lastInsideMs: number }>;
}

/**
 * Rules on a person's path through the store, per track (the tracker's re-identification keeps
 * the id, and so the journey, of a person found again within a minute):
 * - `intrusion`: entering a `restricted` zone (within its `hours`, if set) raises one at once
 *   (seen inside on two consecutive frames, so a one-frame ghost does not); it ends when they
 *   have been out for 2 s.
 * - `walkout`: a person whose concealment fired reaches an `exit` zone without having stood in a
 *   `checkout` zone since: high severity, with the concealment's evidence and its time.
 */
export class JourneyRule implements Rule {
  readonly name = 'journeys';
  private readonly journeys = new Map<number, Journey>();

  constructor(private zones: readonly PixelZone[]) {}

  setZones(zones: readonly PixelZone[]): void {
    this.zones = zones;
  }

  /** A concealment fired for this person (from the concealment rule). */
  noteConcealment(e: RuleEvent): void {
    if (e.rule !== 'concealment' || e.type !== 'start') return;
    const j = this.journey(e.person as TrackedPerson, e.atMs);
    j.concealed = { atMs: e.atMs, evidence: e.evidence, zoneName: e.zoneName };
    j.paidSince = undefined;
  }

  evaluate({ tracks: people, nowMs }: RuleFrame): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const p of people) {
      const j = this.journey(p, nowMs);
      if (p.coasting) continue; // a predicted box is no evidence of where someone went
      const foot = footPoint(p.box, p.keypoints);
      const here = zonesContaining(this.zones, foot, (z) => j.intrusions.has(z.id));
      if (here.some((z) => z.kind === 'checkout') && j.concealed) j.paidSince = nowMs;
      const restricted = here.filter((x) => x.kind === 'restricted');
      for (const zid of j.entering.keys())
        if (!restricted.some((z) => z.id === zid)) j.entering.delete(zid);
      for (const z of restricted) {
        const open = j.intrusions.get(z.id);
        if (open) {
          open.lastInsideMs = nowMs;
          continue;
        }
        if (z.hours.length > 0 && !inQuietHours(z.hours, nowMs)) continue;
        const seen = (j.entering.get(z.id) ?? 0) + 1;
        j.entering.set(z.id, seen);
        if (seen < CONFIRM_FRAMES) continue;
        j.entering.delete(z.id);
        j.intrusions.set(z.id, { zone: z, startedAtMs: nowMs, lastInsideMs: nowMs });
        events.push(this.event('intrusion', 'start', p, z, nowMs, nowMs));
      }
      const exit = here.find((z) => z.kind === 'exit');
      if (exit && j.concealed && j.paidSince === undefined && !j.walkout) {
        j.walkout = { zone: exit, startedAtMs: nowMs, lastMs: nowMs };
        events.push(this.event('walkout', 'start', p, exit, nowMs, nowMs, j));
      } else if (j.walkout && exit) j.walkout.lastMs = nowMs;
    }
    for (const [id, j] of this.journeys) {
      for (const [zid, i] of j.intrusions)
        if (nowMs - i.lastInsideMs > GRACE_MS) {
          events.push(this.event('intrusion', 'end', j.person, i.zone, i.startedAtMs, nowMs));
          j.intrusions.delete(zid);
        }
      // The walkout ends once they are gone from the exit; the journey then starts afresh.
      if (j.walkout && nowMs - j.walkout.lastMs > GRACE_MS) {
        events.push(
          this.event('walkout', 'end', j.person, j.walkout.zone, j.walkout.startedAtMs, nowMs, j),
        );
        j.walkout = undefined;
        j.concealed = undefined;
      }
      if (nowMs - j.lastSeenMs > KEEP_MS && j.intrusions.size === 0 && !j.walkout)
        this.journeys.delete(id);
    }
    return events;
  }

  /** Ends every open intrusion and walkout (camera stopping); every journey is forgotten. */
  flush(nowMs: number): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const j of this.journeys.values()) {
      for (const i of j.intrusions.values())
        events.push(this.event('intrusion', 'end', j.person, i.zone, i.startedAtMs, nowMs));
      const w = j.walkout;
      if (w) events.push(this.event('walkout', 'end', j.person, w.zone, w.startedAtMs, nowMs, j));
    }
    this.journeys.clear();
    return events;
  }

  private journey(p: TrackedPerson, nowMs: number): Journey {
    let j = this.journeys.get(p.trackId);
    if (!j)
      this.journeys.set(
        p.trackId,
        (j = { person: p, lastSeenMs: nowMs, intrusions: new Map(), entering: new Map() }),
      );
    j.person = p;
    j.lastSeenMs = Math.max(j.lastSeenMs, nowMs);
    return j;
  }

  private event(
    rule: Extract<RuleName, 'intrusion' | 'walkout'>,
    type: 'start' | 'end',
    p: TrackedPerson,
    zone: PixelZone,
    startedAtMs: number,
    nowMs: number,
    j?: Journey,
  ): RuleEvent {
    const concealed = j?.concealed;
    return {
      type,
      rule,
      zoneId: zone.id,
      zoneName: zone.name,
      trackId: p.trackId,
      startedAtMs,
      atMs: nowMs,
      dwellMs: nowMs - startedAtMs,
      thresholdMs: 1,
      person: p,
      path: [footPoint(p.box, p.keypoints)],
      score: p.score,
      severity: rule === 'walkout' ? 'high' : 'medium',
      evidence:
        rule === 'walkout' && concealed
          ? {
              ...(concealed.evidence ?? { steps: [], keypoints: {} }),
              steps: [
                ...(concealed.evidence?.steps ?? []),
                {
                  step: 'exit-without-checkout',
                  at: new Date(startedAtMs).toISOString(),
                  region: null,
                },
              ],
            }
          : {
              steps: [{ step: 'entered', at: new Date(startedAtMs).toISOString(), region: null }],
              keypoints: {},
            },
    };
  }
}
