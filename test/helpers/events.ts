import type { RuleEvent } from '../../services/behaviour/rule-event';
import { personAt } from './people';

/** A loitering rule event with sensible values; override what a test needs. */
export const ruleEvent = (type: RuleEvent['type'], over: Partial<RuleEvent> = {}): RuleEvent => ({
  type,
  rule: 'loitering',
  zoneId: 'till',
  zoneName: 'Till',
  trackId: 3,
  startedAtMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  atMs: Date.UTC(2026, 0, 1, 12, 0, 31),
  dwellMs: 31_000,
  thresholdMs: 30_000,
  person: personAt(3, 400, 300),
  path: [{ x: 384, y: 288 }],
  score: 0.61234,
  ...over,
});
