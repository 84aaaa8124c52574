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
 * One still RGBA layer drawn by ffmpeg's geq on a 768x576 canvas (vtest.avi's size): luminance
 * `lum` tinted by `tint`, opaque where `inside` holds; `soften` is a filter chain after it. In the
 * filtergraph as `[label]`; overlay repeats its single frame for the rest of the clip.
 */
function layer(
  label: string,
  lum: string,
  tint: [number, number, number],
  inside: string,
  soften: string,
): string {
  const [r, g, b] = tint.map((k) => `'${lum}*${k}'`);
  return (
    `color=c=black:s=768x576:r=1:d=1,format=rgba,` +
    `geq=r=${r}:g=${g}:b=${b}:a='255*${inside}',${soften}[${label}]`
  );
}

/** The angle around the hand's centre, for its irregular (finger-like) outline. */
const ANGLE = 'atan2(Y/H-0.5,X/W-0.45)';

/**
 * A hand held at the lens over the picture from TAMPER_AT_S on: a dark skin-toned blob whose
 * outline is an ellipse of half-axes `rx`, `ry` (shares of the picture) with finger-like lobes,
 * lit from the top left (`base`: its darkest luminance), mottled, then `soften`ed (a hand at the
 * lens is out of focus); it appears at once and shakes a little.
 */
function hand(rx: number, ry: number, base: number, soften: string): string {
  const outline = `1+0.09*sin(4*${ANGLE})+0.07*sin(9*${ANGLE}+1)+0.03*sin(17*${ANGLE}+2)`;
  return (
    layer(
      'hand',
      `(${base}+110*pow((1-X/W)*(1-Y/H),1.6)+12*sin(X/41+Y/67)*sin(Y/23-X/97))`,
      [1.25, 0.95, 0.8],
      `lte(hypot((X/W-0.45)/${rx},(Y/H-0.5)/${ry}),${outline})`,
      soften,
    ) + `;[in][hand]overlay=x='4*sin(t*3)':y='3*sin(t*2)':enable='gte(t,${TAMPER_AT_S})'`
  );
}

/**
 * Things held in front of the lens from TAMPER_AT_S on, as a thief would, and the kind each must
 * raise. A hand over 80 % of the picture, mottled, with the camera's noise that a dark picture
 * brings (read as moved before); a hand more out of focus over 85 % (read as defocused before); a
 * dark woven cloth with lit folds draped over the top 57 % of the picture, swaying a little: half
 * the view is gone, which is covered too (it raised nothing before).
 */
export const OCCLUDERS = {
  'a mottled hand over 80 % of the picture': {
    kind: 'covered',
    filter:
      hand(0.5, 0.55, 22, 'noise=c0s=40:c1s=40:c2s=40,gblur=sigma=2.5') +
      `,noise=alls=8:allf=t:enable='gte(t,${TAMPER_AT_S})'`,
  },
  'a hand out of focus over 85 % of the picture': {
    kind: 'covered',
    filter: hand(0.53, 0.58, 30, 'gblur=sigma=8'),
  },
  'a cloth over the top 57 % of the picture': {
    kind: 'covered',
    filter:
      layer(
        'cloth',
        '(38+32*(0.5+0.5*sin(X/37+3*sin(Y/90)))+10*sin(X*1.3)*sin(Y*1.3))',
        [0.85, 0.95, 1.2],
        'lt(Y/H,0.57+0.05*sin(X/W*5+0.5)+0.02*sin(X/W*17))',
        'gblur=sigma=1',
      ) + `;[in][cloth]overlay=x='3*sin(t*1.1)':y='2*sin(t*1.5)':enable='gte(t,${TAMPER_AT_S})'`,
  },
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
