import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Replay, recordedChunks } from '../../../services/analysis/replay';
import type { RecordedFrame } from '../../../services/analysis/replay';
import type { Config } from '../../../services/config/schema';
import type { Logger } from '../../../services/core/logger';
import { compareAlerts, tune } from '../../../services/analysis/tune';
import type { SentAlert } from '../../../services/analysis/tune';
import { PoseRecorder } from '../../../services/behaviour/pose-recorder';
import { parseConfig } from '../../../services/config/load';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { body } from '../../helpers/poses';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

/** Every recorded frame of the camera since `sinceMs`, all files in one list. */
const recordedFrames = (dir: string, camera: string, sinceMs: number, log: Logger) =>
  [...recordedChunks(dir, camera, sinceMs, log)].flat();

/** The alerts `config` starts on these frames, through one Replay as tune runs it. */
function replayAlerts(config: Config, frames: RecordedFrame[], log: Logger) {
  const r = new Replay(config, config.cameras[0]!, log);
  for (const f of frames) r.push(f);
  return r.finish();
}

/** A site whose one zone covers the middle of a 640x480 camera, with this dwell. */
function site(dataDir: string, dwellSeconds: number) {
  return parseConfig({
    dataDir,
    cameras: [
      {
        id: 'shop',
        source: { url: 'rtsp://cam/x' },
        analysis: { fps: 5, width: 640, height: 480 },
        zones: [
          {
            id: 'aisle',
            polygon: [
              [0.3, 0.3],
              [0.7, 0.3],
              [0.7, 0.9],
              [0.3, 0.9],
            ],
            loitering: { dwellSeconds, graceSeconds: 2 },
          },
        ],
      },
    ],
  });
}

/** Person 1 stands in the zone 12 s; person 2 crosses it in 3 s; both recorded as the daemon does. */
function record(dataDir: string): void {
  const rec = new PoseRecorder(path.join(dataDir, 'pose-tracks', 'shop'), 'shop', 5);
  for (let f = 0; f < 100; f++) {
    const people = [];
    if (f < 60) people.push(body(1, { x: 320, y: 400 }));
    if (f >= 70 && f < 85) people.push(body(2, { x: 150 + (f - 70) * 25, y: 400 }));
    rec.record(f, T0 + f * 200, people);
  }
  rec.flush();
}

describe('npm run tune: the recordings replayed through two configs', () => {
  const { log } = captureLogger('warn');

  test('the recorded person raises loitering with a 6 s dwell, not with 20 s; the passer-by neither', async () => {
    const dir = tempDir('vigil-tune-');
    record(dir);
    const frames = recordedFrames(dir, 'shop', T0 - 1, log);
    expect(frames[0]!.atMs).toBe(T0);
    expect(frames.at(-1)!.atMs).toBe(T0 + 84 * 200);
    const short = site(dir, 6);
    const long = site(dir, 20);
    expect(replayAlerts(short, frames, log)).toEqual([
      expect.objectContaining({ zone: 'aisle', rule: 'loitering', trackId: 1, startedAtMs: T0 }),
    ]);
    expect(replayAlerts(long, frames, log)).toEqual([]);
    // Nothing recorded since: nothing replayed.
    expect(recordedFrames(dir, 'shop', T0 + 60_000, log)).toEqual([]);
  });

  test('the report: vanish, and the verdicts of what was really sent', async () => {
    const dir = tempDir('vigil-tune-');
    record(dir);
    const sent = {
      schemaVersion: 1,
      id: '00000000-0000-4000-8000-000000000001',
      type: 'start',
      camera: 'shop',
      zone: 'aisle',
      rule: 'loitering',
      trackId: 1,
      startedAt: new Date(T0).toISOString(),
    };
    writeFileSync(path.join(dir, 'alerts.jsonl'), `${JSON.stringify(sent)}\n`);
    writeFileSync(
      path.join(dir, 'alert-state.json'),
      JSON.stringify({
        acks: {},
        snoozes: {},
        feedback: { [sent.id]: { verdict: 'false_alarm', by: 'ann', at: sent.startedAt } },
      }),
    );
    const report = await tune(site(dir, 6), site(dir, 20), T0 - 1, log);
    expect(report.rows).toEqual([
      {
        camera: 'shop',
        zone: 'aisle',
        rule: 'loitering',
        current: 1,
        candidate: 0,
        vanish: 1,
        appear: 0,
        confirmed: { total: 0, kept: 0 },
        falseAlarms: { total: 1, removed: 1 },
      },
    ]);
  });
});

test('compareAlerts pairs the same incident (person, zone, rule, start within 10 s)', () => {
  const a = (trackId: number, startedAtMs: number) => ({
    camera: 'c',
    zone: 'z',
    rule: 'loitering',
    trackId,
    startedAtMs,
    atMs: startedAtMs + 6000,
  });
  const sent = (trackId: number, verdict: SentAlert['verdict']): SentAlert => ({
    ...a(trackId, 0),
    id: String(trackId),
    verdict,
  });
  const rows = compareAlerts(
    [a(1, 0), a(2, 0)],
    [a(1, 5000), a(3, 0)],
    [sent(1, 'confirmed'), sent(2, 'false_alarm'), sent(3, null)],
  );
  expect(rows).toEqual([
    expect.objectContaining({
      current: 2,
      candidate: 2,
      vanish: 1,
      appear: 1,
      confirmed: { total: 1, kept: 1 },
      falseAlarms: { total: 1, removed: 1 },
    }),
  ]);
});
