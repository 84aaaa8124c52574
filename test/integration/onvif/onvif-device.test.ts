import { OnvifSimulator } from '../../../scripts/peers/onvif-simulator';
import type { OnvifSimOptions } from '../../../scripts/peers/onvif-simulator';
import { readDevice, withCredentials } from '../../../services/onvif/onvif-adapter';

/** The real `onvif` 0.8.3 client through our adapter, against our ONVIF simulator on loopback. */
const profiles = [
  { token: 'main', width: 1920, height: 1080, fps: 15, rtsp: 'rtsp://127.0.0.1:8554/main' },
  { token: 'sub', width: 640, height: 360, fps: 10, rtsp: 'rtsp://127.0.0.1:8554/sub' },
];

async function sim(opts: Partial<OnvifSimOptions> = {}) {
  const s = new OnvifSimulator({
    user: 'admin',
    password: 's3cret',
    auth: 'wsse',
    profiles,
    snapshotUri: 'http://127.0.0.1:8080/snap.jpg',
    ...opts,
  });
  await s.start();
  return s;
}

describe('ONVIF device reading', () => {
  test.each(['wsse', 'digest'] as const)(
    '%s auth: information, profiles, main and sub stream URIs, snapshot URI',
    async (auth) => {
      const s = await sim({ auth });
      try {
        const d = await readDevice(s.xaddr, { username: 'admin', password: 's3cret' });
        expect(d.manufacturer).toBe('Vigil');
        expect(d.profiles.map((p) => [p.token, p.width, p.height, p.fps])).toEqual([
          ['main', 1920, 1080, 15],
          ['sub', 640, 360, 10],
        ]);
        expect(d.main).toEqual({ profile: 'main', uri: 'rtsp://127.0.0.1:8554/main' });
        expect(d.sub).toEqual({ profile: 'sub', uri: 'rtsp://127.0.0.1:8554/sub' });
        expect(d.snapshotUri).toBe('http://127.0.0.1:8080/snap.jpg');
      } finally {
        await s.stop();
      }
    },
  );

  test.each(['wsse', 'digest'] as const)(
    '%s auth, wrong password: an auth error, not a camera with no profiles',
    async (auth) => {
      const s = await sim({ auth });
      try {
        await expect(
          readDevice(s.xaddr, { username: 'admin', password: 'wrong' }),
        ).rejects.toMatchObject({ code: 'VIGIL_ERR_ONVIF_AUTH' });
        expect(s.refused).toBeGreaterThan(0);
      } finally {
        await s.stop();
      }
    },
  );

  test('a device that rejects every credential, and one that is not there', async () => {
    const s = await sim({ rejectCredentials: true });
    try {
      await expect(
        readDevice(s.xaddr, { username: 'admin', password: 's3cret' }),
      ).rejects.toMatchObject({ code: 'VIGIL_ERR_ONVIF_AUTH' });
    } finally {
      await s.stop();
    }
    await expect(
      readDevice(s.xaddr, { username: 'admin', password: 's3cret' }, 1000),
    ).rejects.toMatchObject({ code: 'VIGIL_ERR_ONVIF_UNREACHABLE' });
  });

  test('credentials go into the RTSP URL encoded', () => {
    expect(withCredentials('rtsp://10.0.0.5:554/s1', { username: 'a@b', password: 'p:w/' })).toBe(
      'rtsp://a%40b:p%3Aw%2F@10.0.0.5:554/s1',
    );
  });
});
