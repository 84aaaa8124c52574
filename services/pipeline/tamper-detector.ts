import { GRID, blockedShare, cellMatch, edgeMap, measure } from './tamper-measures';
import type { TamperMeasures } from './tamper-measures';

import type { TamperKind } from '../core/tamper-kind';

export { TAMPER_KINDS } from '../core/tamper-kind';
export type { TamperKind } from '../core/tamper-kind';

export interface TamperOptions {
  /** The picture must look tampered this long before the alert (people passing close do not). */
  holdSeconds: number;
  /** And normal this long before it is cleared. */
  clearSeconds: number;
  /** A camera turned on purpose: after this long its new view becomes the reference. */
  relearnMinutes: number;
}

/** What one look at the picture found, with the numbers behind it (in the alert). */
export interface TamperReading {
  kind: TamperKind | null;
  brightness: number;
  contrast: number;
  clipped: number;
  /**
   * Share of the lit picture blocked (a hand, a cloth, tape): gone flat, or much darker with its
   * scene lost (tamper-measures `blockedShare`).
   */
  blankCells: number;
  /** Share of textured cells whose sharpness fell under half the reference. */
  blurredCells: number;
  /** Share of textured cells that no longer match the reference scene. */
  movedCells: number;
}

export type TamperEvent =
  | { type: 'tamper'; kind: TamperKind; sinceMs: number; atMs: number; reading: TamperReading }
  | {
      type: 'tamper_cleared';
      kind: TamperKind;
      sinceMs: number;
      atMs: number;
      reading: TamperReading;
      /** `relearned`: the camera stayed turned; its new view is the reference from now on. */
      reason: 'restored' | 'relearned';
    };

/** Looks at the picture at most this often. */
export const SAMPLE_MS = 500;
/** Samples of a normal-looking picture before the reference is trusted. */
const LEARN_SAMPLES = 8;
/** The reference follows slow changes of the scene (daylight) with this time constant. */
const ADAPT_MS = 120_000;
const FLAT_CONTRAST = 6;
const DARK_CONTRAST = 12;
const DARK_BRIGHTNESS = 35;
const CLIPPED_SHARE = 0.55;
const TEXTURED = 8;
const SHARPNESS_DROP = 0.5;
const MATCH_MIN = 0.45;
const CELL_SHARE = 0.7;
/** About half the picture blocked is covered (a hand, a cloth over half the lens). */
const BLOCKED_SHARE = 0.45;

interface Reference {
  thumb: Float32Array;
  sharpness: Float32Array;
  contrast: Float32Array;
  samples: number;
}

/**
 * Camera tampering from the picture alone: covered or black (flat, dark and flat, or about half
 * of it or more blocked: gone flat, or much darker with its scene lost, whatever its texture, as
 * a hand or a cloth), blinded (most of it clipped white), defocused (sharpness collapses in most
 * textured cells while the scene still matches), moved (most textured cells no longer match the
 * reference scene); covered is judged before defocused and moved. A kind
 * must hold `holdSeconds` to fire and normal must hold `clearSeconds` to clear. The reference is
 * learned on the first normal seconds and follows slow changes while nothing is wrong.
 */
export class TamperDetector {
  private ref: Reference | undefined;
  private lastSampleMs = -Infinity;
  private lastMs = -Infinity;
  /** Since when the picture has looked tampered (or normal, while an alert is on). */
  private runSinceMs: number | undefined;
  private readonly seen = new Map<TamperKind, number>();
  private active: { kind: TamperKind; sinceMs: number } | undefined;
  last: TamperReading | undefined;

  constructor(private readonly opts: TamperOptions) {}

  get tampered(): TamperKind | null {
    return this.active?.kind ?? null;
  }

  /** One frame; looks at it when SAMPLE_MS have passed. Returns the event it caused, if any. */
  push(rgb: Buffer, width: number, height: number, atMs: number): TamperEvent | undefined {
    if (atMs < this.lastMs) this.lastSampleMs = -Infinity; // a clock step back: start sampling again
    this.lastMs = atMs;
    if (atMs - this.lastSampleMs < SAMPLE_MS) return undefined;
    const dt = Math.min(5000, atMs - this.lastSampleMs);
    this.lastSampleMs = atMs;
    const m = measure(rgb, width, height);
    const reading = this.read(m);
    this.last = reading;
    if (!this.ref) {
      if (reading.kind === null) this.learn(m, 1 / LEARN_SAMPLES);
      return undefined;
    }
    if (this.ref.samples < LEARN_SAMPLES) {
      if (reading.kind === null) this.learn(m, 1 / (this.ref.samples + 1));
      return undefined;
    }
    return this.step(reading, m, atMs, dt);
  }

  private step(
    r: TamperReading,
    m: TamperMeasures,
    atMs: number,
    dt: number,
  ): TamperEvent | undefined {
    const bad = r.kind !== null;
    if (!this.active) {
      if (!bad) {
        this.runSinceMs = undefined;
        this.seen.clear();
        this.learn(m, dt / ADAPT_MS);
        return undefined;
      }
      this.runSinceMs ??= atMs;
      this.seen.set(r.kind!, (this.seen.get(r.kind!) ?? 0) + 1);
      if (atMs - this.runSinceMs < this.opts.holdSeconds * 1000) return undefined;
      const kind = [...this.seen.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      this.active = { kind, sinceMs: this.runSinceMs };
      this.runSinceMs = undefined;
      return { type: 'tamper', kind, sinceMs: this.active.sinceMs, atMs, reading: r };
    }
    const { kind, sinceMs } = this.active;
    if (
      kind === 'moved' &&
      r.kind === 'moved' &&
      atMs - sinceMs >= this.opts.relearnMinutes * 60_000
    ) {
      this.ref = undefined;
      this.learn(m, 1);
      this.ref!.samples = LEARN_SAMPLES;
      return this.clear(atMs, r, 'relearned');
    }
    if (bad) {
      this.runSinceMs = undefined;
      return undefined;
    }
    this.runSinceMs ??= atMs;
    if (atMs - this.runSinceMs < this.opts.clearSeconds * 1000) return undefined;
    return this.clear(atMs, r, 'restored');
  }

  private clear(atMs: number, r: TamperReading, reason: 'restored' | 'relearned'): TamperEvent {
    const { kind, sinceMs } = this.active!;
    this.active = undefined;
    this.runSinceMs = undefined;
    this.seen.clear();
    return { type: 'tamper_cleared', kind, sinceMs, atMs, reading: r, reason };
  }

  /** Classifies one look against the reference (before it exists: only the absolute kinds). */
  private read(m: TamperMeasures): TamperReading {
    const base = { brightness: m.brightness, contrast: m.contrast, clipped: m.clipped };
    let blurred = 0;
    let moved = 0;
    let textured = 0;
    const ref = this.ref;
    const learned = ref !== undefined && ref.samples >= LEARN_SAMPLES;
    const edges: [Float32Array, Float32Array] | undefined = learned
      ? [edgeMap(m.thumb), edgeMap(ref.thumb)]
      : undefined;
    if (ref && edges)
      for (let c = 0; c < GRID * GRID; c++) {
        if (ref.contrast[c]! < TEXTURED) continue;
        textured++;
        if (m.cellSharpness[c]! < SHARPNESS_DROP * ref.sharpness[c]!) blurred++;
        const match = cellMatch(edges[0], edges[1], c);
        if (!(match >= MATCH_MIN)) moved++;
      }
    const share = (k: number) => (textured > 0 ? k / textured : 0);
    const reading = {
      ...base,
      blankCells: ref && edges ? blockedShare(m.thumb, ref.thumb, edges, MATCH_MIN) : 0,
      blurredCells: share(blurred),
      movedCells: share(moved),
    };
    let kind: TamperKind | null = null;
    // A light into the lens clips most of the picture (and flattens it): blinded, not covered.
    if (m.clipped > CLIPPED_SHARE) kind = 'blinded';
    else if (
      m.contrast < FLAT_CONTRAST ||
      (m.brightness < DARK_BRIGHTNESS && m.contrast < DARK_CONTRAST) ||
      reading.blankCells >= BLOCKED_SHARE
    )
      kind = 'covered';
    else if (textured >= 4 && reading.blurredCells >= CELL_SHARE) kind = 'defocused';
    else if (textured >= 4 && reading.movedCells >= CELL_SHARE) kind = 'moved';
    return { kind, ...round(reading) };
  }

  /** Moves the reference towards this picture by `w` (1: replace it). */
  private learn(m: TamperMeasures, w: number): void {
    if (!this.ref) {
      this.ref = {
        thumb: Float32Array.from(m.thumb),
        sharpness: Float32Array.from(m.cellSharpness),
        contrast: Float32Array.from(m.cellContrast),
        samples: 1,
      };
      return;
    }
    const mix = (a: Float32Array, b: Float32Array) => {
      for (let i = 0; i < a.length; i++) a[i] = a[i]! + (b[i]! - a[i]!) * w;
    };
    mix(this.ref.thumb, m.thumb);
    mix(this.ref.sharpness, m.cellSharpness);
    mix(this.ref.contrast, m.cellContrast);
    this.ref.samples++;
  }
}

function round(r: Omit<TamperReading, 'kind'>): Omit<TamperReading, 'kind'> {
  const k = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    brightness: k(r.brightness, 1),
    contrast: k(r.contrast, 1),
    clipped: k(r.clipped, 3),
    blankCells: k(r.blankCells, 3),
    blurredCells: k(r.blurredCells, 3),
    movedCells: k(r.movedCells, 3),
  };
}
