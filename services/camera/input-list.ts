import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VigilError } from '../core/errors';

/**
 * RTSP credentials kept out of ffmpeg's argv (`ps`, /proc/<pid>/cmdline are world-readable).
 * ffmpeg has no option for an RTSP password apart from the URL, so a URL with a login goes into
 * a one-entry ffconcat list (mode 600, in a mode-700 directory of this process) and ffmpeg reads
 * `-f concat -i <list>`; the RTSP demuxer's options travel as the list's `option` lines. The file
 * is removed as soon as ffmpeg has read it (its first line on stderr) or has exited.
 */
export class InputList {
  private static dir: string | undefined;
  readonly path: string;
  private removed = false;

  /** The input options ffmpeg needs in front of `-i <list>`. */
  static readonly FORMAT_OPTIONS = [
    '-f',
    'concat',
    '-safe',
    '0',
    '-protocol_whitelist',
    'file,rtsp,rtsps,rtp,srtp,tcp,udp,tls,crypto',
  ];

  constructor(url: string, options: [string, string][]) {
    if (hasControl(url) || options.some((o) => hasControl(o.join('')) || /\s/.test(o.join(''))))
      throw new VigilError(
        'VIGIL_ERR_CONFIG_INVALID',
        'a camera URL or ffmpeg option holds control characters',
      );
    const lines = ['ffconcat version 1.0', `file ${quote(url)}`];
    for (const [key, value] of options) lines.push(`option ${key} ${quote(value)}`);
    this.path = path.join(InputList.privateDir(), `${process.hrtime.bigint()}.ffconcat`);
    writeFileSync(this.path, lines.join('\n') + '\n', { mode: 0o600, flag: 'wx' });
  }

  /** Idempotent. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    rmSync(this.path, { force: true });
  }

  private static privateDir(): string {
    if (!InputList.dir) {
      // mkdtemp makes the directory mode 700; it goes when the process exits normally.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-inputs-'));
      InputList.dir = dir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    return InputList.dir;
  }
}

function hasControl(s: string): boolean {
  return [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/** ffmpeg's quoting (av_get_token): nothing escapes inside '...', so ' is written '\''. */
function quote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** An rtsp(s) URL that carries a user name or password. */
export function hasRtspLogin(url: string): boolean {
  return /^rtsps?:\/\/[^/@\s]+@/i.test(url);
}
