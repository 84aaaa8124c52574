import { Type } from '@sinclair/typebox';
import { obj } from './schema-parts';

/** The tracker. Mounted by schema.ts. */

export const TrackingSchema = obj(
  {
    highScore: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description:
        'Detections at or above this score are associated first and may start tracks; lower ones only extend tracks.',
    }),
    matchIou: Type.Number({
      minimum: 0.01,
      maximum: 1,
      default: 0.2,
      description: 'Minimum IoU with a predicted box to continue a track.',
    }),
    lowMatchIou: Type.Number({
      minimum: 0.01,
      maximum: 1,
      default: 0.3,
      description: 'Minimum IoU for low-score detections.',
    }),
    maxLostSeconds: Type.Number({
      minimum: 0,
      maximum: 60,
      default: 3,
      description: 'A person unseen this long loses their id.',
    }),
    minHits: Type.Integer({
      minimum: 1,
      maximum: 30,
      default: 2,
      description: 'Consecutive matches before a track is confirmed.',
    }),
    coastSeconds: Type.Number({
      minimum: 0,
      maximum: 5,
      default: 0.1,
      description:
        'A person missed by the model is still reported at the predicted place this long.',
    }),
    historySize: Type.Integer({
      minimum: 2,
      maximum: 1000,
      default: 64,
      description: 'Poses kept per track.',
    }),
    appearanceWeight: Type.Number({
      minimum: 0,
      maximum: 10,
      default: 1,
      description: 'Weight of clothing colour in association (0: boxes only).',
    }),
    appearanceGate: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description: 'Pairs whose colour distance exceeds this are never associated.',
    }),
    reidGate: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description:
        'Colour distance under which a track takes a person who does not overlap its prediction but is within walking reach (reappearing after a loss, or between sparse model runs).',
    }),
  },
  'ByteTrack-style tracker with a colour cue.',
);
