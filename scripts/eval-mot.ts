import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluateMot, parseMot } from '../services/analysis/mot-metrics';
import type { MotMetrics } from '../services/analysis/mot-metrics';
import { VigilError } from '../services/core/errors';
import { exitOnError } from '../services/core/exit-codes';

const USAGE = 'usage: npm run eval:mot -- --gt <gt.txt> --tracks <mot.txt> [--frames A-B] [--json]';

export function formatMetrics(name: string, m: MotMetrics): string {
  const p = (v: number) => v.toFixed(3);
  return `${name.padEnd(28)} recall ${p(m.recall)}  precision ${p(m.precision)}  MOTA ${p(m.mota)}  IDF1 ${p(m.idf1)}  IDSW ${m.idsw}  FP ${m.fp}  FN ${m.fn}`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      gt: { type: 'string' },
      tracks: { type: 'string' },
      frames: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.gt || !values.tracks) throw new VigilError('VIGIL_ERR_USAGE', USAGE);
  let frames: [number, number] | undefined;
  if (values.frames) {
    const m = /^(\d+)-(\d+)$/.exec(values.frames);
    if (!m) throw new VigilError('VIGIL_ERR_USAGE', `--frames must be A-B (e.g. 1-400)\n${USAGE}`);
    frames = [Number(m[1]), Number(m[2])];
  }
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new VigilError('VIGIL_ERR_INPUT_MISSING', `${file} cannot be read`, { cause: err });
    }
  };
  const gt = parseMot(read(values.gt), true);
  const hyp = parseMot(read(values.tracks), false);
  const m = evaluateMot(gt, hyp, { frames });
  if (!values.json) process.stdout.write(`${formatMetrics(values.tracks, m)}\n`);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

try {
  main();
} catch (err) {
  exitOnError(err);
}
