import { Type } from '@sinclair/typebox';
import { RULE_NAMES } from '../behaviour/rule-event';
import { num, oneOf, strict } from './schema-parts';

/**
 * Web Push to phones (`push`) and the escalation of unanswered alerts (`alerts.escalation`): kept
 * apart from schema.ts, which only mounts them.
 */

/** The browsers' push services (Chrome/Android and Samsung: FCM; Firefox; Safari/iOS; Edge). */
export const PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  '*.push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

const Login = Type.String({ minLength: 1, maxLength: 64 });
const Roles = (def: string[], description: string) =>
  Type.Array(oneOf(['viewer', 'clerk', 'admin'], 'admin', 'A role of api.tokens.'), {
    default: def,
    maxItems: 3,
    description,
  });

export const PushSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description:
        'Send Web Push notifications to the devices that turned them on in the console (nothing is sent while none did).',
    }),
    subject: Type.String({
      default: 'mailto:admin@example.com',
      pattern: '^(mailto:[^\\s]+@[^\\s]+|https://[^\\s]+)$',
      description:
        "VAPID contact (RFC 8292 'sub'): a mailto: or https: URL where the push services can reach this site's operator. Apple refuses pushes without a real one.",
    }),
    ttlSeconds: num(
      600,
      30,
      86400,
      'How long a push service keeps a notification for a phone that is off or offline; later it is dropped.',
    ),
    viewers: Type.Boolean({
      default: false,
      description: 'Viewer logins get pushes too (clerks and admins always do).',
    }),
    endpointHosts: Type.Array(Type.String({ pattern: '^(\\*\\.)?[a-z0-9.-]+$' }), {
      default: PUSH_SERVICE_HOSTS,
      maxItems: 50,
      description:
        "The push services a subscription may name (https on port 443 only; '*.' covers subdomains). Anything else is refused when the device subscribes, so a subscription cannot make the daemon call other hosts.",
    }),
    allowLoopbackHttp: Type.Boolean({
      default: false,
      description:
        'Tests only: also accept http:// endpoints on 127.0.0.1, ::1 or localhost (a push service on this box).',
    }),
    timeoutSeconds: num(10, 1, 120, 'A push request gets this long to be answered.'),
    queueMax: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 500,
      description: 'Pushes waiting to be sent; beyond it the oldest is dropped (counted).',
    }),
    maxPerLogin: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 10,
      description: "Devices per login; a new one replaces that login's oldest.",
    }),
  },
  {
    ...strict,
    default: {},
    description: 'Web Push notifications to phones (VAPID, RFC 8030/8291/8292).',
  },
);

const RuleOrAny = Type.Union(
  [...RULE_NAMES, 'any'].map((r) => Type.Literal(r)),
  { default: 'any', description: "The rule this applies to, or 'any'." },
);

/** When an unanswered alert escalates and how often: the same fields site-wide and per rule. */
const escalationTiming = () => ({
  afterSeconds: num(
    120,
    10,
    86400,
    'Unanswered this long after the start (or the last escalation): escalate.',
  ),
  times: Type.Integer({
    minimum: 1,
    maximum: 10,
    default: 2,
    description: 'Escalations at most.',
  }),
});

export const EscalationRuleSchema = Type.Object(
  {
    rule: RuleOrAny,
    severity: oneOf(
      ['any', 'low', 'medium', 'high'],
      'any',
      "The severity (at the start) this applies to, or 'any'.",
    ),
    enabled: Type.Boolean({ default: true, description: 'false: these alerts never escalate.' }),
    ...escalationTiming(),
    toLogins: Type.Array(Login, {
      default: [],
      maxItems: 100,
      description: 'Logins (api.tokens names) escalated to.',
    }),
    toRoles: Roles(['admin'], 'Every login of these roles is escalated to.'),
  },
  { ...strict, description: 'Escalation of one rule and severity (the first that matches wins).' },
);

export const EscalationSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description:
        'Notify again, and a second group, when nobody acknowledges, snoozes or judges an alert in time.',
    }),
    ...escalationTiming(),
    toLogins: Type.Array(Login, {
      default: [],
      maxItems: 100,
      description: 'Logins (api.tokens names) escalated to, besides toRoles.',
    }),
    toRoles: Roles(['admin'], 'Every login of these roles is escalated to (the "managers").'),
    rules: Type.Array(EscalationRuleSchema, {
      default: [],
      maxItems: 50,
      description: 'Per rule and severity: overrides of the settings above.',
    }),
  },
  {
    ...strict,
    default: {},
    description:
      'Escalation of unanswered alerts: each level is an MQTT update (escalation) and a push to the first group again and to this one.',
  },
);
