import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import { parseSince } from '../../core/since';
import { restoreRedacted } from '../../config/redact';
import type { ApiContext, ApiServer } from '../api-context';

const Body = Type.Object(
  {
    since: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,4}(\\.[0-9]{1,3})?[dhm]$',
        description: 'How far back to replay: 7d (the default), 12h, 30m.',
      }),
    ),
    config: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'The candidate: a whole config, as GET /api/config gives it (validated like the file). Absent: the current config.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export function registerTuneRoutes(app: ApiServer, ctx: ApiContext): void {
  app.post(
    '/api/tune',
    {
      config: { role: 'admin' },
      schema: {
        summary:
          'What a candidate config would have changed: the recorded pose tracks replayed through the current and the candidate rules, per camera, zone and rule, verdicts included',
        body: Body,
      },
    },
    async (req) => {
      if (!ctx.tune) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no recordings in this daemon');
      const sinceMs = parseSince(req.body.since ?? '7d', Date.now())!;
      // A candidate made from GET /api/config has its secrets redacted: the file's own stand in.
      const raw = req.body.config;
      const candidate =
        raw && ctx.configStore ? restoreRedacted(raw, ctx.configStore.latest.raw) : raw;
      return ctx.tune(candidate, sinceMs);
    },
  );
}
