import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { OnvifSimulator } from '../../../scripts/peers/onvif-simulator';
import { RTSP_PEER_INSTALL, RtspPeer, rtspPeerUnavailable } from '../../../scripts/peers/rtsp-peer';
import { requireComponent } from '../../helpers/require-component';
import { h264Clip } from '../../../scripts/peers/h264-clip';
import { AlertDispatcher } from '../../../services/alerts/alert-dispatcher';
import type { AlertOutput } from '../../../services/alerts/alert-dispatcher';
import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../../../services/alerts/incidents';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { grabStill } from '../../../services/camera/still-grabber';
import { parseConfig } from '../../../services/config/load';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { requireVtest, tempDir, vtestFrame } from '../../helpers/media';
import { rect } from '../../helpers/zones';

/**
 * Analysis runs on a small substream; the evidence is a full-resolution still of the main stream
 * (real RTSP server) or of the device's snapshot URI (our ONVIF simulator, digest auth).
 */
const withPeer = requireComponent(
  'the full-snapshot RTSP tests',
  rtspPeerUnavailable(),
  RTSP_PEER_INSTALL,
)
  ? test
  : test.skip;

describe('full-resolution evidence', () => {
  const dir = tempDir('vigil-full-');
  const ffmpeg = resolveFfmpeg();

  withPeer(
    'an alert start on the substream gets a still of the 1280x960 main stream with the same overlay',
    async () => {
      const main = h264Clip({
        input: requireVtest(),
        dir,
        width: 1280,
        height: 960,
        fps: 10,
        seconds: 10,
      });
      const peer = await RtspPeer.start({ mounts: { main } });
      const sent: { kind: string; id: string; jpeg?: Buffer }[] = [];
      const output: AlertOutput = {
        sendSnapshot: (_c, id) => void sent.push({ kind: 'snapshot', id }),
        sendFullSnapshot: (_c, id, jpeg) => void sent.push({ kind: 'full', id, jpeg }),
        send: (a) => void sent.push({ kind: `alert:${a.type}`, id: a.id }),
      };
      const { log } = captureLogger();
      const config = parseConfig({ dataDir: dir, cameras: [{ id: 'cam', source: { url: 'x' } }] });
      const dispatcher = new AlertDispatcher(
        [output],
        new IncidentManager(
          policyFromConfig(config),
          new AlertStateStore(path.join(dir, 's.json'), log),
        ),
        {
          dataDir: dir,
          snapshotQuality: 85,
          snapshotWidth: 0,
          grabStill: (url) => grabStill(url, ffmpeg),
        },
        log,
      );
      try {
        const frame = {
          camera: 'cam',
          index: 0,
          timestampMs: Date.now(),
          width: 768,
          height: 576,
          rgb: vtestFrame(50),
        };
        const cam = {
          id: 'cam',
          name: 'Cam',
          width: 768,
          height: 576,
          snapshotUrl: peer.url('main'),
        };
        const zones = [
          { id: 'till', name: 'Till', kind: 'general', polygon: rect(300, 250, 500, 400) },
        ];
        const [alert, second] = await dispatcher.dispatch(cam, frame, zones as never, [
          ruleEvent('start'),
          ruleEvent('start', { trackId: 4 }),
        ]);
        expect(alert?.fullSnapshotTopic).toBe(`vigil/cam/alerts/${alert!.id}/snapshot/full`);
        // One grab per camera at a time: the second start promises no full still.
        expect(second?.fullSnapshotTopic).toBeUndefined();
        // The starts themselves never wait for the grab.
        expect(sent.map((s) => s.kind)).toEqual([
          'snapshot',
          'alert:start',
          'snapshot',
          'alert:start',
        ]);
        await dispatcher.drain();
        const fulls = sent.filter((s) => s.kind === 'full');
        expect(fulls.map((f) => f.id)).toEqual([alert!.id]);
        const full = fulls[0];
        const meta = await sharp(full!.jpeg!).metadata();
        expect(meta).toMatchObject({ format: 'jpeg', width: 1280, height: 960 });
        const day = new Date(ruleEvent('start').atMs).toISOString().slice(0, 10);
        expect(existsSync(path.join(dir, 'snapshots/cam', day, `${alert!.id}-full.jpg`))).toBe(
          true,
        );
        // The zone's top edge, scaled by 1280/768 onto the still, is amber.
        const { data } = await sharp(full!.jpeg!).raw().toBuffer({ resolveWithObject: true });
        const x = Math.round(400 * (1280 / 768));
        const y = Math.round(250 * (960 / 576));
        const [r, g, b] = data.subarray((y * 1280 + x) * 3, (y * 1280 + x) * 3 + 3);
        expect(r).toBeGreaterThan(170);
        expect(g).toBeGreaterThan(130);
        expect(b).toBeLessThan(110);
      } finally {
        await peer.stop();
      }
    },
    60_000,
  );

  test('an ONVIF snapshot URI behind digest auth; a wrong password is a clear error without the password', async () => {
    const jpeg = await sharp(vtestFrame(10), { raw: { width: 768, height: 576, channels: 3 } })
      .jpeg()
      .toBuffer();
    const sim = new OnvifSimulator({
      user: 'admin',
      password: 'pw-secret',
      auth: 'digest',
      profiles: [],
      snapshotJpeg: jpeg,
    });
    await sim.start();
    try {
      const base = new URL(sim.xaddr).origin;
      const url = (p: string) => `${base.replace('http://', `http://admin:${p}@`)}/snapshot.jpg`;
      expect((await grabStill(url('pw-secret'), ffmpeg)).equals(jpeg)).toBe(true);
      const err = (await grabStill(url('wrong-pass'), ffmpeg).then(
        () => new Error('no error'),
        (e: unknown) => e,
      )) as Error & { code: string };
      expect(err).toMatchObject({ code: 'VIGIL_ERR_SNAPSHOT_FAILED' });
      expect(err.message).toContain('401');
      expect(err.message).not.toContain('wrong-pass');
    } finally {
      await sim.stop();
    }
  });
});
