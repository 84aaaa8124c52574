import { execFile } from 'node:child_process';
import { VigilError, errorMessage } from '../core/errors';
import { fetchWithAuth } from '../core/http-digest';
import { redactUrl } from '../core/logger';
import { ffmpegInput } from './ffmpeg-args';
import type { FfmpegBinary } from './ffmpeg-binary';

const MAX_BYTES = 16 << 20;

/**
 * One full-resolution still of a camera, as an encoded image (JPEG): from an HTTP(S) snapshot URI
 * (ONVIF GetSnapshotUri; basic or digest auth from the URL) or the first frame of an RTSP main
 * stream. Used for alert evidence while analysis runs on the cheap substream.
 */
export async function grabStill(
  url: string,
  ffmpeg: FfmpegBinary,
  timeoutMs = 5000,
): Promise<Buffer> {
  try {
    if (/^https?:\/\//i.test(url)) {
      const res = await fetchWithAuth(url, timeoutMs);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      if (body.length > MAX_BYTES) throw new Error(`${body.length} bytes is not a snapshot`);
      return body;
    }
    return await new Promise<Buffer>((resolve, reject) => {
      const { options, input, list } = ffmpegInput(
        {
          url,
          loop: false,
          realtime: false,
          rtspTransport: 'tcp',
          ioTimeoutSeconds: timeoutMs / 1000,
        },
        ffmpeg.major,
      );
      const args = [
        ...options,
        '-i',
        input,
        '-frames:v',
        '1',
        '-an',
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        '-q:v',
        '3',
        '-',
      ];
      execFile(
        ffmpeg.path,
        args,
        { encoding: 'buffer', timeout: timeoutMs + 2000, maxBuffer: MAX_BYTES },
        (err, stdout, stderr) => {
          list?.remove();
          if (err || stdout.length === 0)
            reject(new Error(stderr.toString().trim().split('\n').at(-1) || errorMessage(err)));
          else resolve(stdout);
        },
      );
    });
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_SNAPSHOT_FAILED',
      `no still from ${redactUrl(url)}: ${redactUrl(errorMessage(err))}`,
      { cause: err },
    );
  }
}
