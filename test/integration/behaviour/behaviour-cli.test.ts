import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DATA, requireComponent } from '../../helpers/require-component';
import { aucRoc } from '../../../services/analysis/roc';
import { readPoseTrackDir } from '../../../services/behaviour/pose-tracks';
import { REPO, tempDir } from '../../helpers/media';
import { clip } from '../../helpers/pose-clips';

/** The real CLI, as `npm run behaviour` runs it (built by npm run build). */
function behaviour(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/scripts/behaviour.js'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const POSELIFT = path.resolve(REPO, '../shared/data/poselift');

describe('npm run behaviour (pose-z, the default)', () => {
  test('train on a folder of several cameras learns each; score writes one score per frame per clip, an unseen camera against the site', () => {
    const dir = tempDir('vigil-behaviour-cli-');
    const data = path.join(dir, 'train');
    mkdirSync(data);
    for (const [cam, speed] of [
      ['aisle', 60],
      ['till', 20],
    ] as const)
      for (let i = 0; i < 3; i++) {
        const c = clip(`site-${cam}_000${i}`, 90, 15, speed + 3 * i);
        writeFileSync(path.join(data, `${c.clip}.json`), JSON.stringify(c));
      }
    const model = path.join(dir, 'model');
    const t = behaviour('train', '--data', data, '--out', model);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/aisle \(3 clips, \d+ windows\), till \(3 clips, \d+ windows\)/);
    expect(t.err).toMatch(/\[#+\] 2\/2 camera till/);
    const score = path.join(dir, 'dev');
    mkdirSync(score);
    const unseen = { ...clip('other-door_0001', 60, 15, 40), camera: 'door' };
    writeFileSync(path.join(score, 'a.json'), JSON.stringify(clip('site-aisle_0100', 60, 15, 60)));
    writeFileSync(path.join(score, 'b.json'), JSON.stringify(unseen));
    const out = path.join(dir, 'scores.json');
    const s = behaviour('score', '--model', model, '--data', score, '--out', out);
    expect(s.code).toBe(0);
    const scores = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[]>;
    expect(Object.keys(scores).sort()).toEqual(['other-door_0001', 'site-aisle_0100']);
    expect(scores['site-aisle_0100']).toHaveLength(65);
    expect(behaviour('train', '--data', data, '--out', model, '--method', 'magic').code).toBe(2);
  }, 60_000);

  (requireComponent(
    'the PoseLift check of behaviour-cli',
    existsSync(POSELIFT) ? undefined : POSELIFT,
    SHARED_DATA,
  )
    ? test
    : test.skip)(
    'on PoseLift: per-camera pose-z scores dev above the fastest-person baseline (the bench has the full table)',
    () => {
      const dir = tempDir('vigil-poselift-');
      expect(behaviour('train', '--data', path.join(POSELIFT, 'train'), '--out', dir).code).toBe(0);
      const out = path.join(dir, 'scores.json');
      expect(
        behaviour('score', '--model', dir, '--data', path.join(POSELIFT, 'dev'), '--out', out).code,
      ).toBe(0);
      const scores = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[]>;
      const s: number[] = [];
      const l: number[] = [];
      for (const d of readPoseTrackDir(path.join(POSELIFT, 'dev'))) {
        s.push(...scores[d.clip]!);
        l.push(...d.labels!.frames);
      }
      expect(aucRoc(s, l)).toBeGreaterThan(0.75);
    },
    120_000,
  );
});
