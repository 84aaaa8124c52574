import type { Static } from '@sinclair/typebox';
import type { EscalationRuleSchema, EscalationSchema, PushSchema } from '../config/push-schema';

export type PushConfig = Static<typeof PushSchema>;
export type EscalationConfig = Static<typeof EscalationSchema>;
export type EscalationRule = Static<typeof EscalationRuleSchema>;
