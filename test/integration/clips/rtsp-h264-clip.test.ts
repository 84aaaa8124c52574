import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { RTSP_PEER_INSTALL, RtspPeer, rtspPeerUnavailable } from '../../../scripts/peers/rtsp-peer';
import { requireComponent } from '../../helpers/require-component';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { resolveFfmpeg } from '../../../services/camera/ffmpeg-binary';
import { StreamSupervisor } from '../../../services/camera/stream-supervisor';
import { ClipService } from '../../../services/clips/clip-service';
import { parseConfig } from '../../../services/config/load';
import { systemClock } from '../../../services/core/clock';
import { peerClip } from '../../helpers/camera-site';
import { captureLogger } from '../../helpers/logger';
import { tempDir } from '../../helpers/media';
import { waitFor } from '../../helpers/wait';

const peer = requireComponent('the H.264 RTSP clip test', rtspPeerUnavailable(), RTSP_PEER_INSTALL);

/** An incident's start and end as the alert service hands them to the clip service. */
function alert(type: 'start' | 'end', id: string, startedAtMs: number, atMs: number) {
  const startedAt = new Date(startedAtMs).toISOString();
  return { id, type, camera: 'door', startedAt, at: new Date(atMs).toISOString() } as AlertPayload;
}

function probe(file: string): { codec: string; width: number; duration: number } {
  const out = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries'],
      ...['stream=codec_name,width:format=duration', '-of', 'json', file],
    ],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(out) as {
    streams: { codec_name: string; width: number }[];
    format: { duration: string };
  };
  const v = j.streams[0]!;
  return { codec: v.codec_name, width: v.width, duration: Number(j.format.duration) };
}

(peer ? describe : describe.skip)('a real H.264 RTSP camera with the default clips', () => {
  const dir = tempDir('vigil-rtsp-clip-');
  let peer: RtspPeer | undefined;
  let sup: StreamSupervisor | undefined;

  afterAll(async () => {
    await sup?.stop();
    await peer?.stop();
  });

  test('its incident gets a clip that ffprobe reads as the camera’s own H.264', async () => {
    peer = await RtspPeer.start({ mounts: { cam: peerClip(dir) } });
    const config = parseConfig({
      dataDir: path.join(dir, 'data'),
      cameras: [{ id: 'door', source: { url: peer.url('cam') }, analysis: { fps: 2 } }],
    });
    const cam = config.cameras[0]!;
    expect(cam.clips).toEqual({ enabled: true, codec: 'copy' }); // the defaults, untouched
    const { log, lines } = captureLogger();
    const clips = new ClipService(config, resolveFfmpeg, systemClock, log);
    const ring = clips.ringFor(cam)!;
    // As the camera pipeline wires it: the ring is a second output of the analysis ffmpeg.
    sup = new StreamSupervisor(cam, resolveFfmpeg(), () => undefined, systemClock, log, {
      ring,
      codec: cam.clips.codec,
    });
    sup.start();
    await waitFor(
      'a first closed segment',
      () => ring.closedBetween(0, Date.now()).length > 0,
      30_000,
    );

    const t0 = Date.now();
    clips.onStart(alert('start', 'a1', t0 - 1000, t0));
    expect(clips.records(alert('end', 'a1', t0 - 1000, t0))).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    const ref = await clips.finish(alert('end', 'a1', t0 - 1000, Date.now()));

    const failures = lines().filter((l) => l.code === 'VIGIL_ERR_CLIP_FAILED');
    expect(failures).toEqual([]);
    expect(ref).toMatchObject({ url: '/api/alerts/a1/clip' });
    const file = path.join(config.dataDir, ref!.path);
    const p = probe(file);
    expect(p).toMatchObject({ codec: 'h264', width: 320 }); // copied: the peer's 320 px H.264
    expect(p.duration).toBeGreaterThan(2);
  }, 120_000);
});
