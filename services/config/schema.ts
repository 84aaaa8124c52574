import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { oneOf, strict } from './schema-parts';
import { PushSchema } from './push-schema';
import { CameraSchema } from './camera-schema';
import { InferenceSchema } from './inference-schema';
import { TrackingSchema } from './tracking-schema';
import { MqttSchema } from './mqtt-schema';
import { ApiSchema } from './api-schema';
import { AlertsSchema } from './alerts-schema';
import { BehaviourSchema } from './behaviour-schema';

/**
 * The one source of truth for configuration: TypeScript types, the validator, API schemas and
 * `config/schema.json` all come from here. Every object rejects unknown keys; every field has a
 * default (where one makes sense), bounds and a description. One file per section
 * (camera-schema.ts, mqtt-schema.ts, ...); this file mounts them.
 */
export {
  PointSchema,
  LoiteringSchema,
  QuietHoursSchema,
  ZoneKindSchema,
  ZoneSchema,
} from './zone-schema';
export { SourceSchema, AnalysisSchema, MotionSchema, CameraSchema } from './camera-schema';
export { TilesSchema, InferenceSchema } from './inference-schema';
export { TrackingSchema } from './tracking-schema';
export { MqttSchema } from './mqtt-schema';
export { ApiSchema } from './api-schema';
export { AlertsSchema } from './alerts-schema';
export { BehaviourSchema } from './behaviour-schema';

export const ConfigSchema = Type.Object(
  {
    logLevel: oneOf(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
      'info',
      'Log level of the root logger.',
    ),
    dataDir: Type.String({
      default: 'data/vigil',
      description: 'Where snapshots and state are written (relative to the working directory).',
    }),
    api: ApiSchema,
    mqtt: MqttSchema,
    inference: InferenceSchema,
    tracking: TrackingSchema,
    alerts: AlertsSchema,
    push: PushSchema,
    behaviour: BehaviourSchema,
    cameras: Type.Array(CameraSchema, { minItems: 1, maxItems: 64, description: 'Cameras.' }),
  },
  { ...strict, $id: 'https://vigil.dev/schema/config.json', description: 'Vigil configuration.' },
);

export type Config = Static<typeof ConfigSchema>;
export type CameraConfig = Config['cameras'][number];
export type ZoneConfig = CameraConfig['zones'][number];
export type ZoneKind = ZoneConfig['kind'];
export type InferenceConfig = Config['inference'];
export type TrackingConfig = Config['tracking'];
export type DetectionStrategy = InferenceConfig['strategy'];
export type MqttConfig = Config['mqtt'];
export type BackendName = InferenceConfig['backend'];
