import type { Point } from '../core/geometry';
import type { Detection } from '../core/types';

/** Every rule that raises alerts (alert payloads, topics, the API and Home Assistant use this list). */
export const RULE_NAMES = ['loitering', 'concealment', 'intrusion', 'walkout'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** Why a behaviour rule fired: the steps seen and the keypoints involved (JSON-ready). */
export interface RuleEvidence {
  hand?: 'left' | 'right';
  steps: { step: string; at: string; region: string | null }[];
  keypoints: Record<string, [number, number, number]>;
  anomalyScore?: number;
  /** The person's concealment score when it fired (body units, about 0 for ordinary shopping). */
  concealmentScore?: number;
}

/** What a rule reports; the alert layer turns it into payloads and snapshots. */
export interface RuleEvent {
  /** start once the threshold is reached, update on every later frame while it lasts, end once. */
  type: 'start' | 'update' | 'end';
  rule: RuleName;
  zoneId: string;
  zoneName: string;
  trackId: number;
  /** When the behaviour began (entry into the zone), ms since epoch. */
  startedAtMs: number;
  /** Frame time of this event. */
  atMs: number;
  /** Time in the zone so far (start, update) or in all (end), ms. */
  dwellMs: number;
  /** The rule's threshold (the zone's dwellSeconds), ms: severity grows with dwellMs / thresholdMs. */
  thresholdMs: number;
  /** The person as last seen, pixels of the analysis frame. */
  person: Detection;
  /** Foot points while in the zone, oldest first, at most 32. */
  path: Point[];
  score: number;
  /** Set by rules whose severity is not a function of duration (concealment). */
  severity?: 'low' | 'medium' | 'high';
  evidence?: RuleEvidence;
}
