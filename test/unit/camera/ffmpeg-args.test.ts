import {
  decoderOptions,
  ffmpegMajor,
  inputOptions,
  outputOptions,
  parseSourceInfo,
} from '../../../services/camera/ffmpeg-args';

const base = { loop: false, realtime: false, rtspTransport: 'tcp' as const, ioTimeoutSeconds: 5 };

describe('ffmpeg arguments', () => {
  test('RTSP: transport and a socket timeout in microseconds, never -re or loops', () => {
    const opts = inputOptions({ ...base, url: 'rtsp://u:p@cam/s', loop: true, realtime: true });
    expect(opts.join(' ')).toContain('-rtsp_transport tcp -timeout 5000000');
    expect(opts).not.toContain('-re');
    expect(opts).not.toContain('-stream_loop');
  });

  test('ffmpeg 4.x gets -stimeout (its -timeout means listen timeout for RTSP)', () => {
    expect(inputOptions({ ...base, url: 'rtsp://cam/s' }, 4).join(' ')).toContain(
      '-stimeout 5000000',
    );
    expect(inputOptions({ ...base, url: 'rtsp://cam/s' }, 6).join(' ')).toContain(
      '-timeout 5000000',
    );
    const banners = [
      'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2025 the FFmpeg developers',
      'ffmpeg version n4.4.2 Copyright (c) 2000-2021 the FFmpeg developers',
      'ffmpeg version 4.2.7-0ubuntu0.1 Copyright (c) 2000-2022 the FFmpeg developers',
      'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers',
      'ffmpeg version N-109421-g1 Copyright (c) 2000-2023 the FFmpeg developers',
    ];
    expect(banners.map(ffmpegMajor)).toEqual([5, 4, 4, 4, 5]);
  });

  test('RTSP: a tiny probe (fast first frame); hardware decode presets name their decoder', () => {
    expect(inputOptions({ ...base, url: 'rtsp://cam/s' }).join(' ')).toContain('-probesize 32');
    expect(inputOptions({ ...base, url: '/v.avi' })).not.toContain('-probesize');
    expect(decoderOptions({ hwaccel: 'none' })).toEqual([]);
    expect(decoderOptions({ hwaccel: 'cuda' })).toEqual(['-hwaccel', 'cuda']);
    expect(decoderOptions({ hwaccel: 'nvmpi', codec: 'hevc' })).toEqual(['-c:v', 'hevc_nvmpi']);
    expect(decoderOptions({ hwaccel: 'nvv4l2' })).toEqual(['-c:v', 'h264_nvv4l2dec']);
    const opts = inputOptions({ ...base, url: 'rtsp://cam/s', hwaccel: 'cuda', decodeThreads: 1 });
    expect(opts.join(' ')).toContain('-hwaccel cuda -threads 1');
    expect(inputOptions({ ...base, url: 'rtsp://cam/s', decodeThreads: 0 })).not.toContain(
      '-threads',
    );
  });

  test('files: -re plays at native speed and -stream_loop -1 repeats', () => {
    expect(
      inputOptions({ ...base, url: '/v.avi', loop: true, realtime: true }).join(' '),
    ).toContain('-re -stream_loop -1');
    expect(inputOptions({ ...base, url: '/v.avi' })).not.toContain('-re');
  });

  test('output: fps then scale, rgb24 raw; no fps filter when every frame is wanted', () => {
    expect(outputOptions({ width: 384, height: 288, fps: 5 }).join(' ')).toBe(
      '-an -sn -dn -vf fps=5,scale=384:288 -pix_fmt rgb24 -f rawvideo',
    );
    expect(outputOptions({ width: 64, height: 64, fps: undefined })).toContain('scale=64:64');
  });

  test.each([
    [
      '  Stream #0:0: Video: mpeg4 (Simple Profile) (XVID / 0x44495658), yuv420p, 768x576 [SAR 1:1 DAR 4:3], 10 fps, 10 tbr, 10 tbn',
      { codec: 'mpeg4', width: 768, height: 576, fps: 10 },
    ],
    [
      '  Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080, 15 tbr, 90k tbn',
      { codec: 'h264', width: 1920, height: 1080, fps: 15 },
    ],
    [
      '  Stream #0:0(und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 2560x1440, 2050 kb/s, 12.50 fps',
      { codec: 'hevc', width: 2560, height: 1440, fps: 12.5 },
    ],
  ])('reads the source stream from %s', (line, info) => {
    expect(parseSourceInfo(line)).toEqual(info);
  });

  test('ignores other lines', () => {
    expect(parseSourceInfo('  Stream #0:1: Audio: aac, 48000 Hz')).toBeUndefined();
  });
});
