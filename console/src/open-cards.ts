import type { Alert } from './types.js';

/** An incident that is over but whose clip still waits for the clerk: not judged, not dismissed. */
export function awaitsJudgement(a: Alert, dismissed: ReadonlySet<string>): boolean {
  return a.type === 'end' && a.clip !== undefined && !a.feedback && !dismissed.has(a.id);
}

/**
 * The cards a console shows when it opens, oldest first, from the latest message of each
 * incident (newest first, as /api/incidents gives them): every open incident, and every ended
 * one whose clip awaits a verdict. A console opened after the end sees what one left open saw.
 */
export function cardsOnOpen(latest: readonly Alert[], dismissed: ReadonlySet<string>): Alert[] {
  return latest
    .slice()
    .reverse()
    .filter((a) => a.type !== 'end' || awaitsJudgement(a, dismissed));
}

/** What Storage gives (localStorage in the browser, a map in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'vigil.dismissed';
const KEEP = 200;

/**
 * Ended incidents this device's clerk dismissed without a verdict: remembered on the device so a
 * reload does not bring their cards back. Bounded (the newest 200; /api/incidents spans an hour).
 */
export class Dismissed {
  constructor(private readonly store: KeyValue) {}

  ids(): Set<string> {
    try {
      const v: unknown = JSON.parse(this.store.getItem(KEY) ?? '[]');
      return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    } catch (err) {
      console.warn('dismissed cards list unreadable; starting afresh', err);
      return new Set();
    }
  }

  add(id: string): void {
    const ids = [...this.ids(), id].slice(-KEEP);
    this.store.setItem(KEY, JSON.stringify(ids));
  }
}
