import path from 'node:path';
import type { Logger } from '../core/logger';
import { PersistedMap } from '../core/persisted-map';

/** Time to first answer per camera and rule (GET /api/answer-times, the History view). */
export interface AnswerTimeRow {
  camera: string;
  rule: string;
  answered: number;
  meanSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
}

interface Kept {
  answered: number;
  sumSeconds: number;
  /** The last RECENT times, for the median and 90th percentile. */
  recent: number[];
}

const RECENT = 200;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A record read back from the file: anything else is set aside (core/persisted-map.ts). */
function isKept(v: unknown): v is Kept {
  const k = v as Partial<Kept> | null;
  return (
    typeof k === 'object' &&
    k !== null &&
    isCount(k.answered) &&
    isCount(k.sumSeconds) &&
    Array.isArray(k.recent) &&
    k.recent.length <= RECENT &&
    k.recent.every(isCount)
  );
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Kept in <dataDir>/answer-times.json across restarts. */
export class AnswerTimes {
  private readonly map: PersistedMap<Kept>;

  constructor(dataDir: string, log: Logger) {
    this.map = new PersistedMap(
      path.join(dataDir, 'answer-times.json'),
      log,
      'answer times',
      isKept,
    );
  }

  record(camera: string, rule: string, seconds: number): void {
    const key = `${camera}/${rule}`;
    const k = this.map.get(key) ?? { answered: 0, sumSeconds: 0, recent: [] };
    const recent = [...k.recent, seconds].slice(-RECENT);
    this.map.set(key, {
      answered: k.answered + 1,
      sumSeconds: k.sumSeconds + seconds,
      recent,
    });
  }

  rows(): AnswerTimeRow[] {
    return this.map.keys().map((key) => {
      const [camera = '', rule = ''] = key.split('/');
      const k = this.map.get(key)!;
      const sorted = [...k.recent].sort((a, b) => a - b);
      return {
        camera,
        rule,
        answered: k.answered,
        meanSeconds: round(k.answered ? k.sumSeconds / k.answered : 0),
        medianSeconds: round(quantile(sorted, 0.5)),
        p90Seconds: round(quantile(sorted, 0.9)),
      };
    });
  }
}
