import type { Keypoint, TrackedPerson } from '../core/types';
import type { Point } from '../core/geometry';
import { distanceToPolygonEdge, pointInPolygon } from '../core/geometry';
import { ConcealmentScorer } from './concealment-cues';
import type { CueNorms } from './concealment-cues';
import type { Rule, RuleFrame } from './rule';
import type { RuleEvent } from './rule-event';
import type { PixelZone } from './zones';

export interface ConcealmentOptions {
  /** Keypoints below this score are not trusted. */
  minKeypointScore: number;
  /** The hand must reach the body within this long after leaving the shelf. */
  windowSeconds: number;
  /** ...and stay at the torso, waist or a pocket this long. */
  holdSeconds: number;
  /** People whose torso (shoulders to hips) is shorter are too small for hand keypoints to mean anything. */
  minTorsoPx: number;
  /**
   * The alert decision: a completed reach, to-body and hold fires only while the person's
   * concealment score (concealment-cues.ts, body units, about 0 for ordinary shopping) is at
   * least this; it keeps waiting while the hand stays. Severity: high from twice this.
   */
  scoreThreshold: number;
}

/** Where the hand went: a body region, or out of sight after being last seen at the body. */
export type BodyRegion = 'torso' | 'waist' | 'pocket' | 'hidden';

/** The zone of a concealment seen where no shelf zone is drawn (the reach was an extended arm). */
export const NO_SHELF: Pick<PixelZone, 'id' | 'name'> = { id: 'any', name: 'anywhere' };

export interface ConcealmentStep {
  step: 'reach' | 'to-body' | 'hold';
  atMs: number;
  wrist: Point;
  region?: BodyRegion;
}

type Phase = 'idle' | 'reaching' | 'concealing' | 'fired';

interface HandState {
  phase: Phase;
  shelf?: Pick<PixelZone, 'id' | 'name'>;
  lastShelfMs: number;
  bodySinceMs: number;
  /** Wrist relative to the hips, in torso lengths, when it reached the body. */
  bodyAnchor?: Point;
  /** Where the wrist was last seen confidently (a hand at the body that vanishes is hidden). */
  lastSeen?: { region?: BodyRegion; atMs: number };
  steps: ConcealmentStep[];
  /** Set once fired, to end the incident later. */
  fired?: { person: TrackedPerson; hand: (typeof HANDS)[number] };
}

const KP = { lSh: 5, rSh: 6, lEl: 7, rEl: 8, lWr: 9, rWr: 10, lHip: 11, rHip: 12 } as const;
const HANDS = [
  { hand: 'left' as const, wrist: KP.lWr, elbow: KP.lEl },
  { hand: 'right' as const, wrist: KP.rWr, elbow: KP.rEl },
];

/**
 * Where a wrist is relative to its own body, from shoulders and hips: the torso (between the
 * shoulders and the hips), the waist band, or a front pocket (next to a hip, not below it).
 * Above the shoulders (head, face) or far from the body (a basket at arm's length) is nothing.
 */
export function bodyRegion(
  kps: readonly Keypoint[],
  wrist: Point,
  minScore: number,
): BodyRegion | undefined {
  const need = [KP.lSh, KP.rSh, KP.lHip, KP.rHip].map((i) => kps[i]!);
  if (need.some((k) => k.score < minScore)) return undefined;
  const [ls, rs, lh, rh] = need as [Keypoint, Keypoint, Keypoint, Keypoint];
  const shY = (ls.y + rs.y) / 2;
  const hipY = (lh.y + rh.y) / 2;
  const torso = Math.max(hipY - shY, 1);
  const left = Math.min(ls.x, rs.x, lh.x, rh.x);
  const right = Math.max(ls.x, rs.x, lh.x, rh.x);
  const margin = 0.2 * torso;
  for (const hip of [lh, rh]) {
    const dy = wrist.y - hip.y;
    if (Math.hypot(wrist.x - hip.x, dy) <= 0.35 * torso && dy <= 0.25 * torso) return 'pocket';
  }
  if (wrist.x < left - margin || wrist.x > right + margin) return undefined;
  if (wrist.y >= shY + 0.15 * torso && wrist.y < hipY - 0.15 * torso) return 'torso';
  if (wrist.y >= hipY - 0.15 * torso && wrist.y <= hipY + 0.2 * torso) return 'waist';
  return undefined;
}

/** How far (torso lengths) a held hand may move relative to the hips (pose noise of a hand at a pocket is up to ~0.3). */
const MAX_HOLD_MOTION = 0.5;
/** A reaching wrist is this far above the hips or this far to the side (torso lengths). */
const REACH_ABOVE_HIPS = 0.3;
const REACH_SIDEWAYS = 0.9;
/** With no shelf zone drawn, a reach is a wrist this far from the hips (torso lengths), not below them. */
const REACH_FREE = 0.7;
/** The wrist must be this deep inside the shelf zone, and the hips this far outside (torso lengths). */
const REACH_DEPTH = 0.25;

function clearlyInside(p: Point, z: PixelZone, depth: number): boolean {
  return pointInPolygon(p, z.polygon) && distanceToPolygonEdge(p, z.polygon) >= depth;
}

export interface HipFrame extends Point {
  torso: number;
}

/** The hip midpoint and torso length, when shoulders and hips are seen. */
export function hipFrame(kps: readonly Keypoint[], minScore: number): HipFrame | undefined {
  const [ls, rs, lh, rh] = [KP.lSh, KP.rSh, KP.lHip, KP.rHip].map((i) => kps[i]!);
  if ([ls, rs, lh, rh].some((k) => !k || k.score < minScore)) return undefined;
  const x = (lh!.x + rh!.x) / 2;
  const y = (lh!.y + rh!.y) / 2;
  return { x, y, torso: Math.max(y - (ls!.y + rs!.y) / 2, 1) };
}

/** How fast (torso lengths per second) the hips may move for someone standing at a shelf. */
const MAX_STANDING_SPEED = 0.8;
const SPEED_SPAN_MS = 800;

/** True when the person's hips moved slowly over the last ~0.8 s of their pose history. */
function standing(p: TrackedPerson, hips: HipFrame, nowMs: number, minScore: number): boolean {
  const past = [...p.history]
    .reverse()
    .find(
      (h) => nowMs - h.timestampMs >= SPEED_SPAN_MS && nowMs - h.timestampMs <= 3 * SPEED_SPAN_MS,
    );
  const then = past && hipFrame(past.keypoints, minScore);
  if (!past || !then) return false;
  const speed =
    Math.hypot(hips.x - then.x, hips.y - then.y) / hips.torso / ((nowMs - past.timestampMs) / 1000);
  return speed <= MAX_STANDING_SPEED;
}

function relative(p: Point, h: HipFrame): Point {
  return { x: (p.x - h.x) / h.torso, y: (p.y - h.y) / h.torso };
}

/**
 * An explainable concealment detector, one state machine per hand: a reach (the wrist clearly
 * into a `shelf` zone; where no shelf zone is drawn, an arm held out away from the body), then
 * within `windowSeconds` the hand comes to the torso, waist or a pocket, or goes out of sight
 * there (to-body), and stays `holdSeconds` (hold) while the person's concealment score (head down,
 * elbows bent, hands together at the waist band, wrist fading: concealment-cues.ts) is at least
 * `scoreThreshold`. Scratching one's head, carrying a basket, or putting an item into a basket
 * never completes the sequence. It fires once per act; evidence lists each step and the score.
 */
export class ConcealmentRule implements Rule {
  readonly name = 'concealment';
  private readonly hands = new Map<string, HandState>();
  private readonly scorer: ConcealmentScorer;

  constructor(
    private shelves: readonly PixelZone[],
    private readonly opts: ConcealmentOptions,
    /** This camera's own normal of the cues (learned by `behaviour train`), else the built-in one. */
    norms?: CueNorms,
  ) {
    this.scorer = new ConcealmentScorer(undefined, undefined, norms);
  }

  setZones(zones: readonly PixelZone[]): void {
    this.shelves = zones.filter((z) => z.kind === 'shelf');
  }

  /** A person's concealment score now (smoothed over the last second), if seen. */
  scoreOf(trackId: number): number | undefined {
    return this.scorer.scoreOf(trackId);
  }

  /** The highest score among these people (a frame's score); -Infinity for nobody. */
  maxScore(people: readonly TrackedPerson[]): number {
    return this.scorer.maxOf(people);
  }

  evaluate({ tracks: people, nowMs }: RuleFrame): RuleEvent[] {
    this.scorer.update(people, nowMs);
    const events: RuleEvent[] = [];
    const seen = new Set<string>();
    for (const p of people) {
      if (p.coasting) continue;
      for (const h of HANDS) {
        const key = `${p.trackId}/${h.hand}`;
        seen.add(key);
        const e = this.step(key, p, h, nowMs);
        if (e) events.push(e);
      }
    }
    for (const [key, s] of this.hands) {
      if (
        seen.has(key) ||
        nowMs - Math.max(s.lastShelfMs, s.bodySinceMs) <= this.opts.windowSeconds * 4000
      )
        continue;
      if (s.fired) events.push(this.event(s.fired.person, s.fired.hand, s, nowMs, 'end'));
      this.hands.delete(key);
    }
    return events;
  }

  /** Ends every hand's fired incident (camera stopping); the rule starts afresh. */
  flush(nowMs: number): RuleEvent[] {
    const events = [...this.hands.values()]
      .filter((s) => s.fired)
      .map((s) => this.event(s.fired!.person, s.fired!.hand, s, nowMs, 'end'));
    this.hands.clear();
    return events;
  }

  /** The shelf (or, with no shelf zone drawn, the arm held out) this wrist reaches into now. */
  private reach(
    p: TrackedPerson,
    wrist: Point,
    hips: HipFrame,
    nowMs: number,
  ): Pick<PixelZone, 'id' | 'name'> | undefined {
    const rel = relative(wrist, hips);
    if (this.shelves.length === 0)
      // No shelf drawn: the hand leaves the body, arm out in front, to the side or up (a hanging
      // arm is below the hips). The score and the hold judge what follows.
      return Math.hypot(rel.x, rel.y) >= REACH_FREE && rel.y < 0 ? NO_SHELF : undefined;
    // People take from a shelf standing at it: a walker's swinging arm is no reach.
    if (!standing(p, hips, nowMs, this.opts.minKeypointScore)) return undefined;
    // A reach is an arm held out (above the hips or well to the side) into a shelf zone while the
    // body stays outside it: a hanging hand, or a body standing inside the zone, is no reach.
    if (!(rel.y < -REACH_ABOVE_HIPS || Math.abs(rel.x) > REACH_SIDEWAYS)) return undefined;
    return this.shelves.find(
      (z) =>
        clearlyInside(wrist, z, REACH_DEPTH * hips.torso) &&
        !pointInPolygon(hips, z.polygon) &&
        distanceToPolygonEdge(hips, z.polygon) >= REACH_DEPTH * hips.torso,
    );
  }

  private step(
    key: string,
    p: TrackedPerson,
    h: (typeof HANDS)[number],
    nowMs: number,
  ): RuleEvent | undefined {
    const s = this.hands.get(key) ?? { phase: 'idle', lastShelfMs: 0, bodySinceMs: 0, steps: [] };
    this.hands.set(key, s);
    const hips = hipFrame(p.keypoints, this.opts.minKeypointScore);
    if (!hips || hips.torso < this.opts.minTorsoPx) return undefined;
    const w = p.keypoints[h.wrist];
    const visible = !!w && w.score >= this.opts.minKeypointScore;
    const wrist = visible ? { x: w.x, y: w.y } : undefined;
    const shelf = wrist && this.reach(p, wrist, hips, nowMs);
    if (shelf) {
      // A new reach ends the incident this hand fired (the hand left the body): one incident at
      // a time per hand, each closed before the next can open.
      const end = s.phase === 'fired' ? this.event(p, h, s, nowMs, 'end') : undefined;
      if (s.phase !== 'reaching')
        Object.assign(s, {
          phase: 'reaching',
          shelf,
          steps: [{ step: 'reach', atMs: nowMs, wrist }],
          fired: undefined,
        });
      s.lastShelfMs = nowMs;
      s.lastSeen = undefined;
      return end;
    }
    // A hand last seen at the body that the model loses is in a pocket, a bag or a sleeve.
    const region = wrist
      ? bodyRegion(p.keypoints, wrist, this.opts.minKeypointScore)
      : s.lastSeen?.region && nowMs - s.lastSeen.atMs <= this.opts.windowSeconds * 1000
        ? 'hidden'
        : undefined;
    if (wrist) s.lastSeen = { region, atMs: nowMs };
    const rel = wrist && relative(wrist, hips);
    return this.advance(s, p, h, nowMs, region, rel, wrist ?? s.steps.at(-1)?.wrist);
  }

  /** The to-body and hold steps, and the end of a fired incident. */
  private advance(
    s: HandState,
    p: TrackedPerson,
    h: (typeof HANDS)[number],
    nowMs: number,
    region: BodyRegion | undefined,
    rel: Point | undefined,
    wrist: Point | undefined,
  ): RuleEvent | undefined {
    if (s.phase === 'reaching') {
      if (nowMs - s.lastShelfMs > this.opts.windowSeconds * 1000)
        return void Object.assign(s, { phase: 'idle', steps: [] });
      if (region) {
        Object.assign(s, { phase: 'concealing', bodySinceMs: nowMs, bodyAnchor: rel });
        s.steps.push({ step: 'to-body', atMs: nowMs, wrist: wrist!, region });
      }
      return undefined;
    }
    if (s.phase === 'concealing') {
      // Held means still against the body: a swinging arm (walking) passes the hip, it does not
      // stay. A hidden hand has no position to check.
      const moved =
        rel !== undefined &&
        (!s.bodyAnchor ||
          Math.hypot(rel.x - s.bodyAnchor.x, rel.y - s.bodyAnchor.y) > MAX_HOLD_MOTION);
      if (!region || moved) return void Object.assign(s, { phase: 'idle', steps: [] });
      if (!s.bodyAnchor && rel) s.bodyAnchor = rel;
      if (nowMs - s.bodySinceMs < this.opts.holdSeconds * 1000) return undefined;
      if ((this.scorer.scoreOf(p.trackId) ?? -Infinity) < this.opts.scoreThreshold)
        return undefined;
      s.phase = 'fired';
      s.fired = { person: p, hand: h };
      s.steps.push({ step: 'hold', atMs: nowMs, wrist: wrist!, region });
      return this.event(p, h, s, nowMs, 'start');
    }
    if (s.phase === 'fired' && !region) {
      const end = this.event(p, h, s, nowMs, 'end');
      Object.assign(s, { phase: 'idle', steps: [], fired: undefined });
      return end;
    }
    return undefined;
  }

  private event(
    p: TrackedPerson,
    h: (typeof HANDS)[number],
    s: HandState,
    nowMs: number,
    type: 'start' | 'end',
  ): RuleEvent {
    const reach = s.steps[0]!;
    const names = ['wrist', 'elbow']
      .map((n) => `${h.hand}_${n}`)
      .concat(['left_shoulder', 'right_shoulder', 'left_hip', 'right_hip']);
    const kp = (i: number) => {
      const k = p.keypoints[i]!;
      return [Math.round(k.x), Math.round(k.y), Math.round(k.score * 100) / 100] as [
        number,
        number,
        number,
      ];
    };
    const score = this.scorer.scoreOf(p.trackId) ?? 0;
    return {
      type,
      rule: 'concealment',
      zoneId: s.shelf!.id,
      zoneName: s.shelf!.name,
      trackId: p.trackId,
      startedAtMs: reach.atMs,
      atMs: nowMs,
      dwellMs: nowMs - reach.atMs,
      thresholdMs: this.opts.holdSeconds * 1000,
      person: p,
      path: s.steps.map((st) => st.wrist),
      score: p.score,
      severity: score >= this.opts.scoreThreshold + 1 ? 'high' : 'medium',
      evidence: {
        hand: h.hand,
        steps: s.steps.map((st) => ({
          step: st.step,
          at: new Date(st.atMs).toISOString(),
          region: st.region ?? null,
        })),
        keypoints: Object.fromEntries(
          names.map((n, i) => [n, kp([h.wrist, h.elbow, KP.lSh, KP.rSh, KP.lHip, KP.rHip][i]!)]),
        ),
        concealmentScore: Math.round(score * 100) / 100,
      },
    };
  }
}
