import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ffmpegInput } from '../../../services/camera/ffmpeg-args';
import { InputList, hasRtspLogin } from '../../../services/camera/input-list';

const base = { loop: false, realtime: false, rtspTransport: 'tcp' as const, ioTimeoutSeconds: 5 };

describe('RTSP logins kept out of ffmpeg argv', () => {
  test('a URL with a login becomes an ffconcat list (mode 600, dir 700); argv holds only its path', () => {
    const url = "rtsp://admin:p'w%40rd@cam.local:554/stream1";
    const { options, input, list } = ffmpegInput({ ...base, url });
    try {
      const argv = [...options, '-i', input].join(' ');
      expect(argv).not.toContain("p'w");
      expect(argv).not.toContain('rtsp:');
      expect(argv).not.toContain('admin');
      expect(options.join(' ')).toContain('-f concat -safe 0 -protocol_whitelist');
      expect(options).not.toContain('-rtsp_transport');
      expect(statSync(input).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(input)).mode & 0o777).toBe(0o700);
      // ffmpeg's quoting: ' closes the quote, \' is a literal quote, ' reopens.
      expect(readFileSync(input, 'utf8')).toBe(
        [
          'ffconcat version 1.0',
          "file 'rtsp://admin:p'\\''w%40rd@cam.local:554/stream1'",
          "option rtsp_transport 'tcp'",
          "option timeout '5000000'",
          "option probesize '32'",
          '',
        ].join('\n'),
      );
      list!.remove();
      expect(existsSync(input)).toBe(false);
      list!.remove(); // idempotent
    } finally {
      list?.remove();
    }
  });

  test('ffmpeg 4 gets stimeout in the list; URLs without a login and files stay plain', () => {
    const { input, list } = ffmpegInput({ ...base, url: 'rtsps://u@cam/s' }, 4);
    expect(readFileSync(input, 'utf8')).toContain("option stimeout '5000000'");
    list!.remove();
    for (const url of ['rtsp://cam/s', '/videos/a.mp4', 'http://u:p@cam/mjpeg']) {
      const plain = ffmpegInput({ ...base, url });
      expect(plain.list).toBeUndefined();
      expect(plain.input).toBe(url);
    }
    expect(hasRtspLogin('rtsp://cam/s@x')).toBe(false);
    expect(hasRtspLogin('RTSP://a:b@cam/s')).toBe(true);
  });

  test('control characters cannot smuggle extra list directives', () => {
    expect(() => new InputList("rtsp://a:b@cam/s'\nfile '/etc/passwd", [])).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_INVALID' }),
    );
  });
});
