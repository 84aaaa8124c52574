import { RULE_NAMES } from '../../behaviour/rule-event';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';

const Query = Type.Object(
  {
    camera: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' })),
    rule: Type.Optional(Type.Union(RULE_NAMES.map((r) => Type.Literal(r)))),
    type: Type.Optional(
      Type.Union([Type.Literal('start'), Type.Literal('update'), Type.Literal('end')]),
    ),
    before: Type.Optional(
      Type.Union(
        [Type.String({ format: 'date-time' }), Type.String({ pattern: '^pos:[0-9]{1,15}$' })],
        {
          description:
            'Messages before this: an ISO time (compared as an instant), or nextBefore of the previous page (a cursor that skips nothing).',
        },
      ),
    ),
    limit: Type.Optional(
      Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1-1000, default 50.' }),
    ),
  },
  { additionalProperties: false },
);
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' });
const SnoozeParams = Type.Object(
  {
    camera: Id,
    zone: Id,
    rule: Type.Union(RULE_NAMES.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
);
export const AlertParams = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
  },
  { additionalProperties: false },
);

export function registerAlertRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/api/alerts', { schema: { querystring: Query } }, async (req) => {
    if (!ctx.history)
      throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no alert history in this daemon');
    const q = req.query;
    const page = ctx.history.list({
      camera: q.camera,
      rule: q.rule,
      type: q.type,
      before: q.before,
      limit: q.limit ? Number(q.limit) : 50,
    });
    // Whether each listed incident is over and has a clip: History offers Play clip only then.
    const ends: Record<string, { at: string; clip: boolean }> = {};
    for (const a of page.items) {
      const end = a.type === 'end' ? a : ctx.history.end(a.id);
      if (end) ends[a.id] = { at: end.at, clip: Boolean(end.clip) };
    }
    // Precision as the store sees it, per camera, zone and rule (the same numbers as /metrics).
    return { ...page, ends, feedback: ctx.clerk?.feedback.rows() ?? [] };
  });

  app.get('/api/snoozes', { schema: { summary: 'The snoozes in force' } }, async () => {
    if (!ctx.snoozes) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no alerts in this daemon');
    return { snoozes: ctx.snoozes.snoozes() };
  });

  app.delete(
    '/api/snoozes/:camera/:zone/:rule',
    {
      config: { role: 'admin' },
      schema: { summary: 'Cancel a snooze (audited)', params: SnoozeParams },
    },
    async (req, reply) => {
      const { camera, zone, rule } = req.params;
      const key = `${camera}/${zone}/${rule}`;
      if (!ctx.snoozes?.cancelSnooze(key, req.principal?.name ?? 'api'))
        throw new VigilError('VIGIL_ERR_NOT_FOUND', `no snooze in force for ${key}`);
      return reply.code(204).send();
    },
  );

  app.get('/api/alerts/:id/snapshot', { schema: { params: AlertParams } }, async (req, reply) => {
    const start = ctx.history?.start(req.params.id);
    if (!start?.snapshot || !ctx.dataDir)
      throw new VigilError('VIGIL_ERR_NOT_FOUND', `no snapshot for alert ${req.params.id}`);
    const jpeg = await readFile(path.join(ctx.dataDir, start.snapshot)).catch((err: unknown) => {
      // Only a missing file is retention at work; EACCES or EIO is a fault of this box, said so.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new VigilError(
        'VIGIL_ERR_SNAPSHOT_FAILED',
        `snapshot of alert ${req.params.id} cannot be read: ${(err as Error).message}`,
        { cause: err },
      );
    });
    if (!jpeg)
      throw new VigilError(
        'VIGIL_ERR_NOT_FOUND',
        `snapshot of alert ${req.params.id} is gone (retention)`,
      );
    return reply.type('image/jpeg').send(jpeg);
  });
}
