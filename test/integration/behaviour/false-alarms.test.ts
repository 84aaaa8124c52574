import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../services/analysis/offline-analyzer';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { loadConfigFile } from '../../../services/config/load';
import { loadPoseEstimator } from '../../../services/pose/load-estimator';
import { captureLogger } from '../../helpers/logger';
import { REPO, requireVtest, tempDir } from '../../helpers/media';

/**
 * Real footage of people walking across a square, with the whole central path marked as a shelf:
 * arms swing through the "shelf" all the time, nobody conceals anything. The first 60 s of the
 * clip at 5 fps, whole-frame detection to keep the test short (`npm run analyze` with
 * config/examples/vtest-shelf.yaml runs the full clip with the default tiles).
 */
test('vtest.avi with the central path as a shelf, checkout and exit zones on it and a restricted wall raises no concealment, walkout or intrusion', async () => {
  requireVtest();
  const loaded = loadConfigFile(path.join(REPO, 'config/examples/vtest-shelf.yaml'));
  const config = {
    ...loaded,
    dataDir: tempDir(),
    inference: {
      ...loaded.inference,
      strategy: 'full' as const,
      inputWidth: 384,
      inputHeight: 288,
    },
  };
  const { log } = captureLogger('warn');
  const { estimator } = await loadPoseEstimator(config.inference, log);
  const alerts: AlertPayload[] = [];
  const out = path.join(tempDir(), 'alerts.jsonl');
  let tracked = 0;
  let atDoors = 0;
  const { width, height } = config.cameras[0]!.analysis;
  const result = await analyzeFile(
    { config, camera: config.cameras[0]!, estimator, ffmpeg: resolveFfmpeg(), log },
    {
      input: requireVtest(),
      everyFrame: false,
      maxFrames: 300,
      alertsOut: out,
      onFrame: (p) => {
        tracked += p.tracks.length;
        // Foot points in the exit zone (x 0.7-1, y 0.3-0.62): people do walk out there.
        for (const t of p.tracks) {
          const fx = (t.box.x + t.box.w / 2) / width;
          const fy = (t.box.y + t.box.h) / height;
          if (fx >= 0.7 && fy >= 0.3 && fy <= 0.62) atDoors++;
        }
      },
    },
  );
  await estimator.dispose();
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  for (const line of text.split('\n').filter(Boolean))
    alerts.push(JSON.parse(line) as AlertPayload);
  expect(result.frames).toBe(300);
  expect(tracked).toBeGreaterThan(600); // people were there and tracked the whole time
  expect(atDoors).toBeGreaterThan(20); // and walked through the exit zone
  expect(alerts.filter((a) => a.rule === 'concealment')).toEqual([]);
  // People crossed the checkout and exit zones, nobody concealed: no walkout; nobody on the wall.
  expect(alerts.filter((a) => a.rule === 'walkout' || a.rule === 'intrusion')).toEqual([]);
}, 240_000);
