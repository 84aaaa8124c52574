import { Type } from '@sinclair/typebox';
import { obj, num } from './schema-parts';

/** The behaviour rules beyond loitering. Mounted by schema.ts. */

export const BehaviourSchema = obj(
  {
    concealment: obj(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Watch hands that go from a shelf zone (or, where none is drawn, an outstretched arm) to the body.',
        }),
        minKeypointScore: num(
          0.1,
          0,
          1,
          'Wrists, shoulders and hips below this score are not trusted.',
        ),
        windowSeconds: num(
          3,
          0.2,
          60,
          'The hand must reach the body within this long after leaving the shelf.',
        ),
        holdSeconds: num(0.5, 0.1, 60, 'And stay at the torso, waist or a pocket this long.'),
        minTorsoPx: num(
          24,
          0,
          1000,
          'People smaller than this (shoulders to hips, analysis pixels) are not judged: their hand keypoints are noise.',
        ),
        scoreThreshold: num(
          0.6,
          -10,
          10,
          "The alert decision: a completed reach, to-body and hold fires only while the person's concealment score (head down, elbows bent, hands together at the waist band, wrist fading; body units, about 0 for ordinary shopping, averaged over 2 s; each cue judged against the camera's own normal when anomalyModelDir holds a model from `behaviour train`, else a built-in one) is at least this. High severity from one above it.",
        ),
      },
      'Concealment rule (explainable): a reach, the hand to the body (or out of sight there), held there while the concealment score is high.',
    ),
    anomalyModelDir: Type.String({
      default: '',
      description:
        "Pose anomaly model trained on this site (npm run behaviour -- train), with each camera's normal of the concealment cues; empty: none.",
    }),
    anomalyThreshold: num(
      3,
      0.5,
      100,
      'Anomaly score (1 = 99th percentile of normal) at which a person at a shelf raises a concealment alert on its own.',
    ),
    recordPoses: Type.Boolean({
      default: true,
      description:
        'Record pose tracks (no pixels) under dataDir/pose-tracks/<camera> for on-site training and `npm run tune`.',
    }),
    poseRetentionDays: num(30, 0.01, 3650, 'Pose recordings older than this are deleted.'),
    poseRetentionMaxMB: num(
      2048,
      1,
      1_000_000,
      'Oldest pose recordings are deleted beyond this total size.',
    ),
  },
  'Behaviour rules beyond loitering.',
);
