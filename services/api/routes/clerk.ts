import { Type } from '@sinclair/typebox';
import { Note, VerdictSchema } from '../../alerts/payload-schemas';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';
import { AlertParams } from './alerts';

const Bodies = {
  ack: Type.Object({ note: Note }, { additionalProperties: false }),
  snooze: Type.Object(
    {
      minutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }),
      note: Note,
    },
    { additionalProperties: false },
  ),
  feedback: Type.Object({ verdict: VerdictSchema, note: Note }, { additionalProperties: false }),
} as const;
const SUMMARY = {
  ack: 'Acknowledge an open (or up to an hour old) alert, as its MQTT ack command',
  snooze: "Snooze the alert's camera, zone and rule (an open alert), as its MQTT snooze command",
  feedback: 'Judge an alert confirmed or a false alarm (counted in vigil_alert_feedback_total)',
} as const;

/** How long a closed incident stays on the console (and may still be answered). */
const RECENT_MS = 60 * 60_000;

function clerk(ctx: ApiContext) {
  if (!ctx.clerk || !ctx.history)
    throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no alerts in this daemon');
  return { clerk: ctx.clerk, history: ctx.history };
}

/** The console's routes: who am I, the incidents to show, and the clerk's answers. */
export function registerClerkRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get(
    '/api/session',
    { schema: { summary: 'The token in use: its name and role' } },
    (req) => ({
      name: req.principal?.name ?? '',
      role: req.principal?.role ?? 'viewer',
    }),
  );

  app.get(
    '/api/incidents',
    {
      schema: {
        summary: 'Open incidents and those ended within the hour: the latest message of each',
      },
    },
    async () => {
      const { clerk: c, history } = clerk(ctx);
      const items = history.incidents(Date.now() - RECENT_MS).map((a) => ({
        ...a,
        ack: c.store.ackOf(a.id) ?? a.ack,
        feedback: c.store.feedbackOf(a.id),
      }));
      return { incidents: items };
    },
  );

  for (const command of ['ack', 'snooze', 'feedback'] as const)
    app.post(
      `/api/alerts/:id/${command}`,
      {
        config: { role: 'clerk' },
        schema: { summary: SUMMARY[command], params: AlertParams, body: Bodies[command] },
      },
      async (req) => {
        const { clerk: c } = clerk(ctx);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const r = await c.answer(req.params.id, command, body, req.principal?.name ?? 'api');
        if (!r.ok)
          throw new VigilError(
            r.reason.startsWith('no open') ? 'VIGIL_ERR_NOT_FOUND' : 'VIGIL_ERR_COMMAND_INVALID',
            r.reason,
          );
        return {
          alertId: r.alertId,
          command: r.command,
          by: r.by,
          ...(r.feedback ? { verdict: r.feedback.verdict } : {}),
          ...(r.untilMs !== undefined ? { until: new Date(r.untilMs).toISOString() } : {}),
        };
      },
    );
}
