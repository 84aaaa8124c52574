import type { ServerResponse } from 'node:http';
import type { LiveEvent } from '../../alerts/live-events';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';

/** Open live channels at once; more is a 429 (each holds a socket and a listener). */
const MAX_STREAMS = 64;
/**
 * Open live channels per login (token name): one login cannot take them all from the others (a
 * viewer holding every channel left the clerks none). A console holds one; a few cover a login
 * on several screens and a reconnect racing the old channel's close.
 */
export const MAX_STREAMS_PER_LOGIN = 4;
const HEARTBEAT_MS = 15_000;
const STATUS_MS = 2_000;

/**
 * GET /api/events: Server-Sent Events for the console. `alert` (every alert message sent: start,
 * update, end), `answer` (an ack, snooze or verdict, from any console or MQTT), `status` (the
 * cameras, every 2 s) and a comment line every 15 s so proxies keep it open. Authenticated like
 * every route (Authorization header: the console reads it with fetch, not EventSource).
 */
export function registerEventRoutes(app: ApiServer, ctx: ApiContext): void {
  let open = 0;
  const perLogin = new Map<string, number>();
  const streams = new Set<ServerResponse>();
  // A stream never idles, so the server's close would wait for it: a stopping daemon ends them.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });
  app.get(
    '/api/events',
    { schema: { summary: 'Live alerts, answers and camera states (text/event-stream)' } },
    (req, reply) => {
      const live = ctx.clerk?.live;
      if (!live) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'no alerts in this daemon');
      const login = req.principal?.name ?? '';
      const mine = perLogin.get(login) ?? 0;
      if (mine >= MAX_STREAMS_PER_LOGIN)
        throw new VigilError(
          'VIGIL_ERR_RATE_LIMITED',
          `"${login}" has ${mine} live channels open, the most one login may hold; close one`,
        );
      if (open >= MAX_STREAMS)
        throw new VigilError('VIGIL_ERR_RATE_LIMITED', `${MAX_STREAMS} live channels are open`);
      open++;
      perLogin.set(login, mine + 1);
      reply.hijack();
      const res = reply.raw;
      streams.add(res);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const statuses = () =>
        send(
          'status',
          ctx.cameras().map((c) => ({
            id: c.id,
            state: c.state,
            analysedFps: c.analysedFps,
            modelFps: c.modelFps,
            degraded: c.degraded,
            tracks: c.tracks,
            lastError: c.lastError,
          })),
        );
      send('hello', { name: req.principal?.name, role: req.principal?.role });
      statuses();
      const unsubscribe = live.subscribe((e: LiveEvent) => send(e.type, e));
      const timers = [
        setInterval(() => !res.writableEnded && res.write(': keep-alive\n\n'), HEARTBEAT_MS),
        setInterval(statuses, STATUS_MS),
      ];
      let closed = false;
      res.on('close', () => {
        if (closed) return;
        closed = true;
        open--;
        const left = (perLogin.get(login) ?? 1) - 1;
        if (left > 0) perLogin.set(login, left);
        else perLogin.delete(login);
        streams.delete(res);
        unsubscribe();
        timers.forEach(clearInterval);
      });
    },
  );
}
