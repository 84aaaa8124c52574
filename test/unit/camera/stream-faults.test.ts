import { classifyFault, rtspEndpoint } from '../../../services/camera/stream-faults';

// stderr lines as ffmpeg 5.1 printed them here against the GStreamer RTSP peer.
const AUTH = [
  '[rtsp @ 0x55c508247940] method DESCRIBE failed: 401 Unauthorized',
  'rtsp://***:***@127.0.0.1:18554/a: Server returned 401 Unauthorized (authorization failed)',
];
const REFUSED = [
  '[tcp @ 0x55bc5a73c800] Connection to tcp://127.0.0.1:18554?timeout=5000000 failed: Connection refused',
  'rtsp://***:***@127.0.0.1:18554/a: Connection refused',
];

describe('stream fault classification', () => {
  test('401 is an auth fault, whether or not frames came first', () => {
    expect(classifyFault(AUTH, false)).toBe('auth');
    expect(classifyFault(['403 Forbidden'], false)).toBe('auth');
  });

  test('refused, timed out, no route: unreachable, but only for a run that never streamed', () => {
    expect(classifyFault(REFUSED, false)).toBe('unreachable');
    expect(classifyFault(['Connection timed out'], false)).toBe('unreachable');
    expect(classifyFault(['No route to host'], false)).toBe('unreachable');
    expect(classifyFault(REFUSED, true)).toBe('exited');
  });

  test("ffmpeg's own socket timeout after frames is a stall, not an end", () => {
    const timedOut = [
      '[rtsp @ 0x1] Connection timed out',
      'Error during demuxing: Connection timed out',
    ];
    expect(classifyFault(timedOut, true)).toBe('stalled');
    expect(classifyFault(timedOut, false)).toBe('unreachable');
  });

  test('anything else (end of stream, a crash, an empty tail) is an exit', () => {
    expect(classifyFault([], false)).toBe('exited');
    expect(classifyFault(['frame=  100 fps= 10', 'Exiting normally'], true)).toBe('exited');
  });

  test('rtspEndpoint: host and port with RTSP defaults; other URLs have none', () => {
    expect(rtspEndpoint('rtsp://u:p@10.0.0.5/stream1')).toEqual({ host: '10.0.0.5', port: 554 });
    expect(rtspEndpoint('rtsps://cam.local:8322/s')).toEqual({ host: 'cam.local', port: 8322 });
    expect(rtspEndpoint('rtsp://[fe80::1]:8554/s')).toEqual({ host: 'fe80::1', port: 8554 });
    expect(rtspEndpoint('/videos/clip.mp4')).toBeUndefined();
    expect(rtspEndpoint('http://cam/snap.jpg')).toBeUndefined();
  });
});
