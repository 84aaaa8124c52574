import { Type } from '@sinclair/typebox';
import type { ApiContext, ApiServer } from '../api-context';

const Health = Type.Object({
  status: Type.Literal('ok'),
  startedAt: Type.String(),
  version: Type.String(),
});
const Ready = Type.Object({
  ready: Type.Boolean(),
  reasons: Type.Array(Type.String(), {
    description: 'Why not ready: one line per camera or service.',
  }),
});

export function registerHealthRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/healthz', { schema: { response: { 200: Health } } }, async () => ({
    status: 'ok' as const,
    startedAt: ctx.startedAt,
    version: ctx.version,
  }));

  app.get('/readyz', { schema: { response: { 200: Ready, 503: Ready } } }, async (_req, reply) => {
    const reasons: string[] = [];
    for (const cam of ctx.cameras()) {
      if (cam.state !== 'streaming') {
        reasons.push(
          `camera ${cam.id} is ${cam.state}${cam.lastError ? `: ${cam.lastError.code} ${cam.lastError.message}` : ''}`,
        );
      }
    }
    for (const cam of ctx.cameras())
      if (cam.degraded)
        reasons.push(
          `camera ${cam.id} is degraded (${cam.degradedReason ?? 'overloaded'}): ${
            cam.degradedDetail ??
            `the model runs ${cam.modelFps} times a second, under inference.minModelFps`
          }`,
        );
    const pool = ctx.cameras().find((c) => c.inferencePool)?.inferencePool;
    if (pool?.state === 'down')
      reasons.push(`no inference worker runs (${pool.lastError?.code ?? 'starting'}); retried`);
    if (!ctx.mqttConnected()) reasons.push('MQTT broker not connected');
    const outbox = ctx.outbox?.();
    if (outbox?.disk === 'failing')
      reasons.push(
        `outbox: VIGIL_ERR_DISK_WRITE the disk refuses writes; ${outbox.depth} message(s) held in memory only`,
      );
    if (outbox && outbox.headFailures >= 3)
      reasons.push(
        `outbox: the oldest message failed ${outbox.headFailures} times in a row; ${outbox.depth} waiting`,
      );
    return reply
      .code(reasons.length === 0 ? 200 : 503)
      .send({ ready: reasons.length === 0, reasons });
  });
}
