import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateMot, parseMot } from '../../../services/analysis/mot-metrics';
import type { MotRow } from '../../../services/analysis/mot-metrics';
import { SHARED } from '../../helpers/media';
import { SHARED_DATA, requireComponent } from '../../helpers/require-component';

const CHECK = path.join(SHARED, 'mot-metrics-check');

// Published by py-motmetrics' own test suite (../shared/data/mot-metrics-check/README.md).
const PUBLISHED = {
  'TUD-Campus': {
    mota: 0.5265,
    idf1: 0.5577,
    fp: 13,
    fn: 150,
    idsw: 7,
    recall: 0.5822,
    precision: 0.9414,
  },
  'TUD-Stadtmitte': {
    mota: 0.564,
    idf1: 0.6446,
    fp: 45,
    fn: 452,
    idsw: 7,
    recall: 0.609,
    precision: 0.9399,
  },
};

const present = requireComponent(
  'the published-values check of the MOT metrics',
  existsSync(CHECK) ? undefined : CHECK,
  SHARED_DATA,
);

describe.each(Object.entries(PUBLISHED))(
  'MOT metrics reproduce py-motmetrics on %s',
  (seq, want) => {
    (present ? test : test.skip)('to 3 decimals', () => {
      const gt = parseMot(readFileSync(path.join(CHECK, seq, 'gt.txt'), 'utf8'), true);
      const hyp = parseMot(readFileSync(path.join(CHECK, seq, 'test.txt'), 'utf8'), false);
      const m = evaluateMot(gt, hyp);
      expect({ fp: m.fp, fn: m.fn, idsw: m.idsw }).toEqual({
        fp: want.fp,
        fn: want.fn,
        idsw: want.idsw,
      });
      for (const k of ['mota', 'idf1', 'recall', 'precision'] as const)
        expect(m[k]).toBeCloseTo(want[k], 3);
    });
  },
);

const row = (frame: number, id: number, x: number, active = true): MotRow => ({
  frame,
  id,
  x,
  y: 0,
  w: 10,
  h: 20,
  score: 1,
  active,
});

describe('MOT metrics on hand-made cases', () => {
  test('a perfect tracker scores 1', () => {
    const gt = [1, 2, 3].flatMap((f) => [row(f, 1, 0), row(f, 2, 50)]);
    const hyp = [1, 2, 3].flatMap((f) => [row(f, 7, 1), row(f, 8, 51)]);
    expect(evaluateMot(gt, hyp)).toMatchObject({ mota: 1, idf1: 1, idsw: 0, fp: 0, fn: 0 });
  });

  test('an id change is one switch; IDF1 credits the longer half', () => {
    const gt = [1, 2, 3, 4].map((f) => row(f, 1, 0));
    const hyp = [row(1, 5, 0), row(2, 5, 0), row(3, 5, 0), row(4, 6, 0)];
    const m = evaluateMot(gt, hyp);
    expect(m.idsw).toBe(1);
    expect(m.mota).toBeCloseTo(0.75);
    expect(m.idf1).toBeCloseTo((2 * 3) / 8);
  });

  test('a hypothesis on an ignored (flag 0) box is neither a hit nor a false positive', () => {
    const gt = [row(1, 1, 0), row(1, 2, 100, false)];
    const hyp = [row(1, 5, 0), row(1, 6, 100), row(1, 7, 300)];
    expect(evaluateMot(gt, hyp)).toMatchObject({ gt: 1, hyp: 2, matches: 1, fp: 1, fn: 0 });
  });

  test('IoU below the threshold is a miss and a false positive', () => {
    const m = evaluateMot([row(1, 1, 0)], [row(1, 1, 6)]);
    expect(m).toMatchObject({ matches: 0, fp: 1, fn: 1 });
  });

  test('frames outside the range are not scored', () => {
    const gt = [row(1, 1, 0), row(2, 1, 0)];
    expect(evaluateMot(gt, [], { frames: [2, 2] })).toMatchObject({ gt: 1, fn: 1 });
  });
});
