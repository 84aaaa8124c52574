import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TamperEvent } from '../../services/pipeline/tamper-detector';
import { REPO, requireVtest } from './media';

/** When the tampering starts in each transformed clip, seconds. */
export const TAMPER_AT_S = 20;

/**
 * ffmpeg filters that tamper with vtest.avi from TAMPER_AT_S on, as a thief would: covered (black),
 * blinded (a bright light over the lens), moved (the view shifted: a crop that jumps), defocused
 * (a blur).
 */
export const TRANSFORMS = {
  covered: `drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='gte(t,${TAMPER_AT_S})'`,
  blinded: `drawbox=x=0:y=0:w=iw:h=ih:color=white@0.9:t=fill:enable='gte(t,${TAMPER_AT_S})'`,
  moved: `crop=w=iw*0.85:h=ih*0.85:x='if(gte(t,${TAMPER_AT_S}),iw*0.15,0)':y='if(gte(t,${TAMPER_AT_S}),ih*0.1,0)'`,
  defocused: `gblur=sigma=6:enable='gte(t,${TAMPER_AT_S})'`,
} as const;

/**
 * Changes that are not tampering and must raise nothing: the lights dimmed at once (darker, less
 * contrast), and someone passing right in front of the lens (a dark shape sweeping across 40 %
 * of the picture for 2.5 s).
 */
export const HARMLESS = {
  'lights dimmed': `eq=brightness=-0.15:contrast=0.7:enable='gte(t,${TAMPER_AT_S})'`,
  'someone passing close': `drawbox=x='(t-${TAMPER_AT_S})*300':y=0:w=iw*0.4:h=ih:color=0x302820:t=fill:enable='between(t,${TAMPER_AT_S},${TAMPER_AT_S + 2.5})'`,
} as const;

/**
 * The built tamper replay (scripts/peers/tamper-replay.ts) on vtest.avi through `filter`:
 * the detector's events, frame times being video times.
 */
export function replayTamper(
  filter: string | undefined,
  seconds: number,
  loops = 0,
): Promise<{ frames: number; events: TamperEvent[] }> {
  const script = path.join(REPO, 'dist/scripts/peers/tamper-replay.js');
  const args = [script, '--input', requireVtest(), '--seconds', String(seconds)];
  args.push('--loops', String(loops), ...(filter ? ['--filter', filter] : []));
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}: ${stderr}`));
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      const summary = lines.pop() as { frames: number };
      resolve({ frames: summary.frames, events: lines as TamperEvent[] });
    }),
  );
}
