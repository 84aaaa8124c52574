import type { TrackedPerson } from '../core/types';
import type { Point } from '../core/geometry';
import { footPoint } from '../core/geometry';
import type { Rule, RuleFrame } from './rule';
import type { RuleEvent } from './rule-event';
import type { PixelZone } from './zones';
import { zonesContaining } from './zones';

interface Dwell {
  zone: PixelZone;
  trackId: number;
  enteredMs: number;
  lastInsideMs: number;
  person: TrackedPerson;
  path: Point[];
  alerted: boolean;
}

const PATH_POINTS = 32;

/**
 * Loitering in real time: a person whose foot point stays in a zone for the zone's dwellSeconds,
 * measured on frame timestamps, raises `start`; leaving (or vanishing) for longer than
 * graceSeconds ends the dwell and, if alerted, raises `end`. Frame rate does not matter.
 */
export class LoiteringRule implements Rule {
  readonly name = 'loitering';
  private readonly dwells = new Map<string, Dwell>();

  constructor(private zones: readonly PixelZone[]) {}

  setZones(zones: readonly PixelZone[]): void {
    this.zones = zones;
  }

  evaluate({ tracks: people, nowMs }: RuleFrame): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const person of people) {
      const foot = footPoint(person.box, person.keypoints);
      const occupied = (z: PixelZone) => this.dwells.has(`${z.id}\u0000${person.trackId}`);
      for (const zone of zonesContaining(this.zones, foot, occupied)) {
        if (!zone.loitering.enabled) continue;
        const dwell = this.touch(zone, person, foot, nowMs);
        if (dwell.alerted) events.push(this.event('update', dwell, nowMs));
        else if (nowMs - dwell.enteredMs >= zone.loitering.dwellSeconds * 1000) {
          dwell.alerted = true;
          events.push(this.event('start', dwell, nowMs));
        }
      }
    }
    for (const [key, dwell] of this.dwells) {
      if (nowMs - dwell.lastInsideMs <= dwell.zone.loitering.graceSeconds * 1000) continue;
      this.dwells.delete(key);
      if (dwell.alerted) events.push(this.event('end', dwell, nowMs));
    }
    return events;
  }

  /** Ends every open dwell (camera stopping); returns `end` events for alerted ones. */
  flush(nowMs: number): RuleEvent[] {
    const events = [...this.dwells.values()]
      .filter((d) => d.alerted)
      .map((d) => this.event('end', d, nowMs));
    this.dwells.clear();
    return events;
  }

  private touch(zone: PixelZone, person: TrackedPerson, foot: Point, nowMs: number): Dwell {
    const key = `${zone.id}\u0000${person.trackId}`;
    let dwell = this.dwells.get(key);
    if (!dwell) {
      dwell = {
        zone,
        trackId: person.trackId,
        enteredMs: nowMs,
        lastInsideMs: nowMs,
        person,
        path: [],
        alerted: false,
      };
      this.dwells.set(key, dwell);
    }
    const anchor = dwell.path[0];
    if (
      zone.maxRadiusPx > 0 &&
      anchor &&
      Math.hypot(foot.x - anchor.x, foot.y - anchor.y) > zone.maxRadiusPx &&
      !dwell.alerted
    ) {
      // Moving on, not lingering: the dwell starts again from here.
      dwell.enteredMs = nowMs;
      dwell.path = [];
    }
    dwell.zone = zone;
    dwell.lastInsideMs = nowMs;
    dwell.person = person;
    dwell.path.push(foot);
    if (dwell.path.length > PATH_POINTS) dwell.path.splice(0, dwell.path.length - PATH_POINTS);
    return dwell;
  }

  private event(type: RuleEvent['type'], d: Dwell, nowMs: number): RuleEvent {
    const endMs = type === 'end' ? d.lastInsideMs : nowMs;
    return {
      type,
      rule: 'loitering',
      zoneId: d.zone.id,
      zoneName: d.zone.name,
      trackId: d.trackId,
      startedAtMs: d.enteredMs,
      atMs: nowMs,
      dwellMs: endMs - d.enteredMs,
      thresholdMs: d.zone.loitering.dwellSeconds * 1000,
      person: d.person,
      path: [...d.path],
      score: d.person.score,
    };
  }
}
