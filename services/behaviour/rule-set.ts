import type { TrackedPerson } from '../core/types';
import type { AnomalyWatcher } from './anomaly-watcher';
import type { ConcealmentRule } from './concealment';
import type { JourneyRule } from './journeys';
import type { LoiteringRule } from './loitering';
import type { FlushReason, Rule, RuleFrame } from './rule';
import type { RuleEvent } from './rule-event';
import type { PixelZone } from './zones';

/** The rules a camera runs (create-behaviour.ts builds them from config); absent: off. */
export interface RuleSetRules {
  loitering?: LoiteringRule;
  concealment?: ConcealmentRule;
  /** The site's pose anomaly model: raises concealment on its own and weighs the rule's. */
  anomaly?: AnomalyWatcher;
  /** Intrusion and walkout (a person's path through exit, checkout and restricted zones). */
  journeys?: JourneyRule;
}

/**
 * The behaviour rules of one camera as one thing the pipeline calls: zones in, a frame's people
 * in, rule events out, and every open incident ended when the camera stops. It holds what the
 * rules tell each other, so no rule knows another and the pipeline knows none by name:
 * - a concealment by someone whose movements the anomaly model also scores unusual (1 or more)
 *   starts at high severity, with that score in its evidence;
 * - a concealment start feeds the walkout rule (leaving through an exit without a checkout).
 * Event order within a frame: loitering, concealment, anomaly, intrusion and walkout.
 */
export class RuleSet {
  private readonly rules: readonly Rule[];

  constructor(private readonly parts: RuleSetRules = {}) {
    const { loitering, concealment, anomaly, journeys } = parts;
    this.rules = [loitering, concealment, anomaly, journeys].filter((r) => r !== undefined);
  }

  /** The names of the rules that run ('loitering', 'concealment', 'anomaly', 'journeys'). */
  get names(): string[] {
    return this.rules.map((r) => r.name);
  }

  setZones(zones: readonly PixelZone[]): void {
    for (const r of this.rules) r.setZones(zones);
  }

  evaluate(frame: RuleFrame): RuleEvent[] {
    const { loitering, concealment, anomaly, journeys } = this.parts;
    const events = loitering?.evaluate(frame) ?? [];
    // The anomaly model scores first: the concealment events of this frame carry its score.
    const unusual = anomaly?.evaluate(frame) ?? [];
    for (const e of concealment?.evaluate(frame) ?? []) {
      this.weighByAnomaly(e);
      journeys?.noteConcealment(e);
      events.push(e);
    }
    events.push(...unusual);
    events.push(...(journeys?.evaluate(frame) ?? []));
    return events;
  }

  /** `end` events for every rule's open incidents (camera stopped or restarted, file ended). */
  flush(nowMs: number, reason: FlushReason): RuleEvent[] {
    return this.rules.flatMap((r) => r.flush(nowMs, reason));
  }

  /** The highest concealment score among these people (a frame's score); -Infinity: nobody or rule off. */
  concealmentScore(people: readonly TrackedPerson[]): number {
    return this.parts.concealment?.maxScore(people) ?? -Infinity;
  }

  /** A rule hit by someone whose movements are also unusual here is the strongest signal. */
  private weighByAnomaly(e: RuleEvent): void {
    const score = this.parts.anomaly?.scoreOf(e.trackId);
    if (score === undefined) return;
    if (e.evidence) e.evidence.anomalyScore = Math.round(score * 100) / 100;
    if (score >= 1 && e.type === 'start') e.severity = 'high';
  }
}
