import sharp from 'sharp';
import { headRect } from '../../../services/alerts/head-blur';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { startAlertSite } from '../../helpers/alert-site';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { requireVtest, vtestFrame } from '../../helpers/media';
import { recordMqtt } from '../../helpers/mqtt-recorder';
import { body } from '../../helpers/poses';
import { waitFor } from '../../helpers/wait';

const W = 768;
const H = 576;
const CAM = { id: 'cam', name: 'Cam', width: W, height: H };

/** Mean absolute difference of two RGB images over a rectangle. */
function diff(a: Buffer, b: Buffer, r: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(r.y)); y < Math.min(H, r.y + r.h); y++)
    for (let x = Math.max(0, Math.floor(r.x)); x < Math.min(W, r.x + r.w); x++)
      for (let c = 0; c < 3; c++) {
        sum += Math.abs(a[(y * W + x) * 3 + c]! - b[(y * W + x) * 3 + c]!);
        n++;
      }
  return sum / n;
}

/** Mean absolute difference between horizontal neighbours: detail a face would show. */
function detail(img: Buffer, r: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(r.y); y < r.y + r.h; y++)
    for (let x = Math.floor(r.x); x < r.x + r.w - 1; x++) {
      sum += Math.abs(img[(y * W + x) * 3]! - img[(y * W + x + 1) * 3]!);
      n++;
    }
  return sum / n;
}

/**
 * Privacy by default: the snapshot on MQTT of an alert on a real PETS frame has the person's
 * head pixelated (compared with the unblurred frame), the rest of the picture as it was; with
 * privacy.blurHeads off the head region is the frame's own.
 */
test('MQTT snapshots carry pixelated heads by default, and the frame as it is elsewhere', async () => {
  requireVtest();
  const frameRgb = vtestFrame(40);
  const { log } = captureLogger('info');
  const site = await startAlertSite(log, 'vigil-blur', 'vigil-blur-');
  const rec = await recordMqtt(site.url, 'vigil/cam/alerts/+/snapshot', undefined, site.clerk);
  // A person placed where the frame's head region has the most detail (a face would have detail).
  const candidates = [];
  for (let x = 80; x <= 700; x += 40)
    for (let y = 400; y <= 560; y += 40) {
      const p = { ...body(5, { x, y, torso: 80 }), trackId: 5 };
      const r = headRect(p);
      if (r.y > 40) candidates.push({ p, d: detail(frameRgb, r) });
    }
  const person = candidates.sort((a, b) => b.d - a.d)[0]!.p;
  const head = headRect(person);
  try {
    for (const blur of [true, false]) {
      const frame = {
        camera: 'cam',
        index: 40,
        timestampMs: Date.now(),
        width: W,
        height: H,
        rgb: frameRgb,
      };
      const now = Date.now();
      const [start] = await site.alerts.dispatcher.dispatch(
        { ...CAM, blurHeads: blur },
        frame,
        [],
        [
          ruleEvent('start', {
            trackId: blur ? 5 : 6,
            person,
            startedAtMs: now - 31_000,
            atMs: now,
          }),
        ],
      );
      const msg = await waitFor('the snapshot on MQTT', () =>
        rec.messages.find(
          (m) => m.topic === `vigil/cam/alerts/${(start as AlertPayload).id}/snapshot`,
        ),
      );
      const got = await sharp(msg.payload).resize(W, H).removeAlpha().raw().toBuffer();
      // Inside the head box, but clear of the drawn keypoints: the upper-left of the head.
      const inner = { x: head.x + 2, y: head.y + 2, w: head.w * 0.3, h: head.h * 0.25 };
      // Far from the person, the box and the label bar: the picture as it was (JPEG aside).
      const elsewhere = { x: 560, y: 400, w: 150, h: 120 };
      expect(diff(got, frameRgb, elsewhere)).toBeLessThan(6);
      if (blur) {
        expect(detail(got, inner)).toBeLessThan(detail(frameRgb, inner) * 0.5);
        expect(diff(got, frameRgb, inner)).toBeGreaterThan(3);
      } else expect(diff(got, frameRgb, inner)).toBeLessThan(6);
    }
  } finally {
    await rec.client.endAsync();
    await site.stop();
  }
}, 30_000);
