import { AlertDispatcher } from '../../../services/alerts/alert-dispatcher';
import type { AlertPayload } from '../../../services/alerts/alert';
import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../../../services/alerts/incidents';
import type { PoseScorer } from '../../../services/behaviour/pose-scorer';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import type { Detection } from '../../../services/core/types';
import type { CameraPipeline } from '../../../services/pipeline/camera-pipeline';
import { createCameraPipeline } from '../../../services/pipeline/create-camera-pipeline';
import type { PoseEstimator } from '../../../services/pose/pose-estimator';
import { captureLogger } from '../../helpers/logger';
import { requireVtest, tempDir } from '../../helpers/media';
import { body, landmarks } from '../../helpers/poses';
import type { Body } from '../../helpers/poses';
import { waitFor } from '../../helpers/wait';

const W = 768;
const H = 576;
/** Pixel rectangle -> normalised polygon of the config. */
const poly = (x0: number, y0: number, x1: number, y1: number) =>
  [
    [x0 / W, y0 / H],
    [x1 / W, y0 / H],
    [x1 / W, y1 / H],
    [x0 / W, y1 / H],
  ] as [number, number][];

// Ann stands left of the "spirits" shelf and conceals; Bob stands at the "tools" shelf, a hand in
// it, moving in a way the site's model scores unusual.
const ANN = { x: 300, y: 400, torso: 50 };
const ANN_HIP = landmarks(ANN).rightHip;
const BOB: Body = { x: 600, y: 450, torso: 50, rightWrist: [690, 330] };

/** Ann's right wrist at her n-th analysed frame (5 fps): stand, reach, hand to her pocket, keep it. */
function annWrist(n: number): [number, number] | undefined {
  if (n < 10) return undefined;
  if (n < 15) return [400, 260];
  if (n < 17) return [380, 330];
  return [ANN_HIP[0] + 4, ANN_HIP[1] + 5];
}

/** The model's answer for each analysed frame: Ann and Bob as scripted, whatever the picture. */
function scriptedPeople(): PoseEstimator {
  let n = 0;
  const detection = (b: Body): Detection => {
    const p = body(0, b);
    return { box: p.box, score: 0.9, keypoints: p.keypoints };
  };
  return {
    backend: 'scripted',
    estimate: () => {
      const ann = detection({ ...ANN, rightWrist: annWrist(n++) });
      return Promise.resolve([ann, detection(BOB)]);
    },
    dispose: () => Promise.resolve(),
  };
}

/** A site model that finds Bob's movements (right half of the picture) unusual and Ann's normal. */
const bobIsUnusual: PoseScorer = {
  kind: 'pose-z',
  windowFrames: () => 5,
  scoreClip: (doc) => Float32Array.of(doc.tracks[0]!.keypoints.at(-1)![0]![0] > W / 2 ? 5 : 0),
  trainedWindows: 1,
  dispose: () => undefined,
};

test('a camera restarted live ends its open concealment and anomaly incidents with `end` messages; the people after it get fresh incidents', async () => {
  const config = parseConfig({
    logLevel: 'warn',
    dataDir: tempDir('vigil-restart-'),
    alerts: { zoneCooldownSeconds: 0 },
    behaviour: { concealment: { scoreThreshold: -10 } },
    cameras: [
      {
        id: 'shop',
        source: { url: requireVtest(), loop: true, realtime: true },
        analysis: { fps: 5, width: W, height: H },
        motion: { enabled: false },
        tamper: { enabled: false },
        clips: { enabled: false },
        zones: [
          { id: 'spirits', kind: 'shelf', polygon: poly(360, 200, 460, 320) },
          { id: 'tools', kind: 'shelf', polygon: poly(650, 260, 760, 400) },
        ],
      },
    ],
    inference: { coastWhenBusy: false },
  });
  const cam = config.cameras[0]!;
  const { log } = captureLogger('warn');
  const sent: AlertPayload[] = [];
  const dispatcher = new AlertDispatcher(
    [{ send: (a) => void sent.push(a) }],
    new IncidentManager(policyFromConfig(config), new AlertStateStore(undefined, log)),
    { dataDir: config.dataDir, snapshotQuality: 70, snapshotWidth: 320 },
    log,
  );
  // As the app starts a camera (VigilApp.startCamera), and restarts it (applyConfig: stop,
  // remember where its track ids got to, start a new pipeline from there).
  const start = (firstTrackId?: number): CameraPipeline => {
    const p = createCameraPipeline(
      config,
      cam,
      { estimator: scriptedPeople(), anomalyModel: bobIsUnusual, recordPoses: false, firstTrackId },
      { ffmpeg: resolveFfmpeg(), dispatcher, clock: systemClock, log },
    );
    p.start();
    return p;
  };
  const starts = () => sent.filter((a) => a.type === 'start');
  const byZone = (alerts: AlertPayload[], zone: string) => alerts.filter((a) => a.zone === zone);

  const first = start();
  await waitFor('a concealment and an anomaly incident open', () => starts().length >= 2, 60_000);
  const [conceal] = byZone(starts(), 'spirits');
  const [unusual] = byZone(starts(), 'tools');
  expect(conceal).toMatchObject({ rule: 'concealment', evidence: { hand: 'right' } });
  expect(unusual).toMatchObject({ rule: 'concealment', evidence: { anomalyScore: 5 } });
  expect(sent.filter((a) => a.type === 'end')).toEqual([]);

  await first.stop();
  const ended = sent.filter((a) => a.type === 'end');
  expect(ended.map((a) => a.id).sort()).toEqual([conceal!.id, unusual!.id].sort());
  const nextId = first.nextTrackId;
  expect(nextId).toBeGreaterThan(Math.max(conceal!.trackId, unusual!.trackId));

  const second = start(nextId);
  try {
    await waitFor('fresh incidents after the restart', () => starts().length >= 4, 60_000);
  } finally {
    await second.stop();
  }
  const fresh = starts().slice(2);
  expect(fresh.map((a) => a.zone).sort()).toEqual(['spirits', 'tools']);
  for (const a of fresh) {
    expect([conceal!.id, unusual!.id]).not.toContain(a.id);
    expect(a.trackId).toBeGreaterThanOrEqual(nextId);
  }
}, 180_000);
