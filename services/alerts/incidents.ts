import { randomUUID } from 'node:crypto';
import type { RuleEvent } from '../behaviour/rule-event';
import type { Config } from '../config/schema';
import type { Ack, AlertStateStore } from './alert-state-store';
import type { Severity } from './payload-schemas';
import { inQuietHours } from '../core/time-windows';
import type { QuietWindow } from '../core/time-windows';

export interface IncidentPolicy {
  /** At most one `update` per incident this often, unless the severity rises. */
  updateIntervalMs: number;
  /** After an incident of a camera, zone and rule ends, a new one there waits this long. */
  zoneCooldownMs: number;
  /** The same person (track) does not re-alert in the same zone and rule for this long. */
  personCooldownMs: number;
  quietHours(camera: string, zone: string): readonly QuietWindow[];
}

export interface Incident {
  id: string;
  camera: string;
  key: string;
  /** camera/zone/rule: what a snooze applies to. */
  zoneKey: string;
  seq: number;
  severity: Severity;
  lastPublishedMs: number;
  /** False when quiet hours, a snooze or a cooldown held it back: nothing of it is published. */
  published: boolean;
  suppressedBy?: 'quiet-hours' | 'snooze' | 'zone-cooldown' | 'person-cooldown';
}

export interface Decision {
  incident: Incident;
  /** What to publish now, if anything. */
  publish: 'start' | 'update' | 'end' | null;
  ack: Ack | null;
}

export function severityOf(dwellMs: number, thresholdMs: number): Severity {
  const r = thresholdMs > 0 ? dwellMs / thresholdMs : 1;
  return r >= 4 ? 'high' : r >= 2 ? 'medium' : 'low';
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/**
 * One incident per (camera, rule, zone, person) with a stable id; decides which rule events
 * become messages: one `start`, rate-limited `update`s (sooner when severity rises), one `end`.
 */
export class IncidentManager {
  private readonly open = new Map<string, Incident>();
  private readonly zoneEnded = new Map<string, number>();
  private readonly personStarted = new Map<string, number>();

  constructor(
    private policy: IncidentPolicy,
    private readonly store: AlertStateStore,
  ) {}

  /** Quiet hours edited live (the API): incidents that start from now on are judged by them. */
  setQuietHours(quietHours: IncidentPolicy['quietHours']): void {
    this.policy = { ...this.policy, quietHours };
  }

  handle(camera: string, e: RuleEvent): Decision | null {
    const zoneKey = `${camera}/${e.zoneId}/${e.rule}`;
    const key = `${zoneKey}/${e.trackId}`;
    const severity = e.severity ?? severityOf(e.dwellMs, e.thresholdMs);
    let inc = this.open.get(key);
    if (e.type === 'start' || !inc) {
      if (e.type === 'end') return null;
      inc = this.begin(camera, key, zoneKey, e, severity);
      return { incident: inc, publish: inc.published ? 'start' : null, ack: null };
    }
    if (e.type === 'end') {
      this.open.delete(key);
      this.zoneEnded.set(zoneKey, e.atMs);
      return this.emit(inc, 'end', e.atMs, severity);
    }
    const rose = RANK[severity] > RANK[inc.severity];
    if (!rose && e.atMs - inc.lastPublishedMs < this.policy.updateIntervalMs) return null;
    return this.emit(inc, 'update', e.atMs, severity);
  }

  /** The open incident with this id (for clerk commands). */
  find(id: string): Incident | undefined {
    return [...this.open.values()].find((i) => i.id === id);
  }

  private begin(
    camera: string,
    key: string,
    zoneKey: string,
    e: RuleEvent,
    severity: Severity,
  ): Incident {
    const inc: Incident = {
      id: randomUUID(),
      camera,
      key,
      zoneKey,
      seq: 0,
      severity,
      lastPublishedMs: e.atMs,
      published: true,
    };
    const personKey = `${zoneKey}/${e.trackId}`;
    const personAt = this.personStarted.get(personKey);
    const zoneAt = this.zoneEnded.get(zoneKey);
    if (inQuietHours(this.policy.quietHours(camera, e.zoneId), e.atMs))
      inc.suppressedBy = 'quiet-hours';
    else if (this.store.snoozedUntil(zoneKey) > e.atMs) inc.suppressedBy = 'snooze';
    else if (personAt !== undefined && e.atMs - personAt < this.policy.personCooldownMs)
      inc.suppressedBy = 'person-cooldown';
    else if (zoneAt !== undefined && e.atMs - zoneAt < this.policy.zoneCooldownMs)
      inc.suppressedBy = 'zone-cooldown';
    inc.published = inc.suppressedBy === undefined;
    if (inc.published) this.personStarted.set(personKey, e.atMs);
    this.open.set(key, inc);
    return inc;
  }

  private emit(inc: Incident, type: 'update' | 'end', atMs: number, severity: Severity): Decision {
    if (RANK[severity] > RANK[inc.severity]) inc.severity = severity;
    if (!inc.published) return { incident: inc, publish: null, ack: null };
    inc.seq++;
    inc.lastPublishedMs = atMs;
    return { incident: inc, publish: type, ack: this.store.ackOf(inc.id) };
  }
}

/** The quiet hours of a config's cameras and zones, by camera and zone id. */
export function quietHoursOf(config: Config): IncidentPolicy['quietHours'] {
  const windows = new Map<string, readonly QuietWindow[]>();
  for (const cam of config.cameras) {
    for (const z of cam.zones)
      windows.set(`${cam.id}/${z.id}`, [...cam.quietHours, ...z.quietHours]);
  }
  return (camera, zone) => windows.get(`${camera}/${zone}`) ?? [];
}

/** The incident policy of a config: alert timings and the quiet hours of cameras and zones. */
export function policyFromConfig(config: Config): IncidentPolicy {
  const a = config.alerts;
  return {
    updateIntervalMs: a.updateIntervalSeconds * 1000,
    zoneCooldownMs: a.zoneCooldownSeconds * 1000,
    personCooldownMs: a.personCooldownSeconds * 1000,
    quietHours: quietHoursOf(config),
  };
}
