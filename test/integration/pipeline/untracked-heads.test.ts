import { blurHeads, headRects } from '../../../services/alerts/head-blur';
import { parseConfig } from '../../../services/config/load';
import type { Frame } from '../../../services/core/types';
import { FrameProcessor } from '../../../services/pipeline/frame-processor';
import { loadPoseEstimator } from '../../../services/pose/load-estimator';
import { createTracker } from '../../../services/tracking/create-tracker';
import { captureLogger } from '../../helpers/logger';
import { vtestFrame } from '../../helpers/media';

const W = 768;
const H = 576;

/** Mean absolute difference between horizontal neighbours over a rectangle: a face's detail. */
function detail(img: Buffer, r: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(r.y)); y < Math.min(H, r.y + r.h); y++)
    for (let x = Math.max(0, Math.floor(r.x)); x < Math.min(W, r.x + r.w) - 1; x++) {
      sum += Math.abs(img[(y * W + x) * 3]! - img[(y * W + x + 1) * 3]!);
      n++;
    }
  return n === 0 ? 0 : sum / n;
}

/**
 * Real PETS frames through the real model and tracker: on a camera's first frames the tracker
 * confirms nobody yet, so every person the model saw is untracked. The frame's people (what the
 * live frame, alert snapshots and tamper pictures pixelate) hold every detection, and each one's
 * head comes out pixelated.
 */
test('every person the model saw has the head pixelated, tracked or not', async () => {
  const config = parseConfig({
    cameras: [{ id: 'c', source: { url: 'x' }, analysis: { width: W, height: H } }],
  });
  const cam = config.cameras[0]!;
  const { log } = captureLogger('warn');
  const { estimator } = await loadPoseEstimator({ ...config.inference, strategy: 'full' }, log);
  try {
    const processor = new FrameProcessor(cam, estimator, createTracker(config.tracking));
    const frame = (i: number): Frame => ({
      camera: 'c',
      index: i,
      timestampMs: i * 100,
      width: W,
      height: H,
      rgb: vtestFrame(i),
    });
    const p = await processor.process(frame(0));
    const untracked = p.detections.filter(
      (d) => !p.tracks.some((t) => t.box.x === d.box.x && t.box.y === d.box.y),
    );
    expect(untracked.length).toBeGreaterThanOrEqual(2);
    for (const d of p.detections) expect(p.people).toContainEqual(d);
    const out = blurHeads(p.frame, p.people).rgb;
    for (const d of untracked)
      for (const r of headRects(d))
        expect(detail(out, r)).toBeLessThan(detail(p.frame.rgb, r) * 0.6 + 0.5);

    // A coasted frame (the model busy) keeps the last people the model saw.
    const coasted = processor.coast(frame(1));
    expect(coasted.people.length).toBeGreaterThanOrEqual(p.detections.length);
  } finally {
    await estimator.dispose();
  }
}, 60_000);
