import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../services/analysis/offline-analyzer';
import { AlertDispatcher } from '../../../services/alerts/alert-dispatcher';
import type { AlertPayload } from '../../../services/alerts/alert';
import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../../../services/alerts/incidents';
import { JsonlAlertOutput } from '../../../services/alerts/jsonl-alert-output';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { FfmpegProcess } from '../../../services/camera/ffmpeg-process';
import { loadConfigFile } from '../../../services/config/load';
import type { Config } from '../../../services/config/schema';
import { ManualClock } from '../../../services/core/clock';
import type { Logger } from '../../../services/core/logger';
import type { TrackedPerson } from '../../../services/core/types';
import { createCameraPipeline } from '../../../services/pipeline/create-camera-pipeline';
import type { PoseEstimator } from '../../../services/pose/pose-estimator';
import { loadPoseEstimator } from '../../../services/pose/load-estimator';
import { captureLogger } from '../../helpers/logger';
import { REPO, requireVtest, tempDir } from '../../helpers/media';

/**
 * The first 16 s of the demo clip (the two people meet and loiter), then its last picture held
 * for 12 s (nothing moves: once its background settles the motion gate skips frames and
 * re-checks the people every second), at the demo's 5 fps.
 */
const FRAMES = 140;

function demoSegment(dir: string): string {
  const out = path.join(dir, 'demo-16s-still-12s.avi');
  const ffmpeg = resolveFfmpeg().path;
  // Input -t: the 16 s are cut before the picture is held.
  const still = ['-vf', 'tpad=stop_mode=clone:stop_duration=12', '-c:v', 'mpeg4', '-q:v', '3'];
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-t', '16', '-i', requireVtest(), ...still, out]);
  return out;
}

type FrameTracks = { frame: number; tracks: string[] };

/** A frame's tracks, comparable: id, box to the pixel, coasted or not. */
const rows = (tracks: readonly TrackedPerson[]) =>
  tracks.map(
    (t) =>
      `${t.trackId}:${[t.box.x, t.box.y, t.box.w, t.box.h].map(Math.round).join(',')}${t.coasting ? ' coasting' : ''}`,
  );

/** What a clerk gets of each alert message (ids are random, times are each run's own clock). */
const messages = (file: string) =>
  (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AlertPayload)
    .map((a) => ({
      type: a.type,
      seq: a.seq,
      rule: a.rule,
      zone: a.zone,
      trackId: a.trackId,
      severity: a.severity,
      durationSeconds: a.durationSeconds,
      box: a.box,
    }));

/**
 * The daemon: the camera's pipeline as VigilApp builds it, fed the camera's frames (decoded as
 * its stream supervisor decodes them) one at a time on a clock at the camera's frame rate, then
 * stopped as the app stops a camera.
 */
async function daemonRun(config: Config, estimator: PoseEstimator, log: Logger, out: string) {
  const camera = config.cameras[0]!;
  const clock = new ManualClock(Date.UTC(2025, 0, 6, 12));
  const epochMs = clock.now();
  const dispatcher = new AlertDispatcher(
    [new JsonlAlertOutput(out)],
    new IncidentManager(policyFromConfig(config), new AlertStateStore(undefined, log)),
    { dataDir: config.dataDir, snapshotQuality: 70, snapshotWidth: 320 },
    log,
  );
  const pipeline = createCameraPipeline(
    config,
    camera,
    { estimator, recordPoses: false },
    { ffmpeg: resolveFfmpeg(), dispatcher, clock, log },
  );
  const { width, height, fps } = camera.analysis;
  const proc = new FfmpegProcess(
    resolveFfmpeg(),
    { ...camera.source, ioTimeoutSeconds: 10 },
    { width, height, fps },
    log,
  );
  const seen: FrameTracks[] = [];
  let lastTracks: readonly TrackedPerson[] = [];
  let index = 0;
  proc.start();
  for await (const rgb of proc.frames()) {
    const timestampMs = epochMs + (index * 1000) / fps;
    clock.set(timestampMs);
    const p = await pipeline.step({ camera: camera.id, index, timestampMs, width, height, rgb });
    lastTracks = p?.tracks ?? lastTracks;
    seen.push({ frame: index++, tracks: rows(lastTracks) });
    if (index >= FRAMES) break;
  }
  await proc.stop();
  clock.set(epochMs + (index * 1000) / fps);
  await pipeline.stop();
  return { seen, status: pipeline.status() };
}

test('analyze runs the daemon: on the demo clip (motion gating and coasting as configured) both give the same tracks and the same alert messages', async () => {
  requireVtest();
  const demo = loadConfigFile(path.join(REPO, 'config/demo.yaml'));
  const cam = demo.cameras[0]!;
  const dir = tempDir('vigil-analyze-daemon-');
  const url = demoSegment(dir);
  const config: Config = {
    ...demo,
    dataDir: dir,
    cameras: [{ ...cam, source: { ...cam.source, url, loop: false, realtime: false } }],
  };
  expect(config.cameras[0]!.motion.enabled).toBe(true); // the daemon gates frames by motion
  const { log } = captureLogger('warn');
  const { estimator } = await loadPoseEstimator(config.inference, log);
  try {
    const daemon = await daemonRun(config, estimator, log, path.join(dir, 'daemon.jsonl'));
    // analyze as `npm run analyze -- --config config/demo.yaml` calls it.
    const analysed: FrameTracks[] = [];
    const result = await analyzeFile(
      { config, camera: config.cameras[0]!, estimator, ffmpeg: resolveFfmpeg(), log },
      {
        input: config.cameras[0]!.source.url,
        everyFrame: false,
        maxFrames: FRAMES,
        alertsOut: path.join(dir, 'analyze.jsonl'),
        onFrame: (p) => analysed.push({ frame: analysed.length, tracks: rows(p.tracks) }),
      },
    );
    expect(result.frames).toBe(FRAMES);
    // The gate decides alike: only the tiles that move or hold someone while people walk, then
    // still frames skipped but for a look at the people every second.
    expect(daemon.status.skippedNoMotion).toBeGreaterThan(0);
    expect(result.skippedNoMotion).toBe(daemon.status.skippedNoMotion);
    expect(result.coasted).toBe(daemon.status.framesCoasted);
    expect(analysed).toEqual(daemon.seen);
    expect(daemon.seen.some((f) => f.tracks.length >= 2)).toBe(true);
    const alerts = messages(path.join(dir, 'daemon.jsonl'));
    expect(alerts.map((a) => `${a.type} ${a.rule} ${a.zone}`)).toContain(
      'start loitering meeting-point',
    );
    expect(messages(path.join(dir, 'analyze.jsonl'))).toEqual(alerts);
  } finally {
    await estimator.dispose();
  }
}, 300_000);
