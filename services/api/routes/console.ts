import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../core/errors';
import { repoRoot } from '../../core/package-info';
import type { ApiServer } from '../api-context';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The console's own scripts, styles and images, and nothing else: no CDN, no eval, no inline
 * code, images and clips from this origin or the page's own blobs (fetched with the token).
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "media-src 'self' blob: data:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every file the console may serve, read once: `console/static/*` and the built `dist/console/*.js`. */
function consoleFiles(): Map<string, { type: string; body: Buffer }> {
  const root = repoRoot();
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const dir of [path.join(root, 'console/static'), path.join(root, 'dist/console')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      if (type && /^[a-z0-9-]+(\.[a-z0-9]+)+$/.test(name))
        files.set(name, { type, body: readFileSync(path.join(dir, name)) });
    }
  }
  return files;
}

/** GET / (the console) and GET /console/<file>: public, since the page holds no data. */
export function registerConsoleRoutes(app: ApiServer): void {
  const files = consoleFiles();
  const serve = (name: string) => {
    const f = files.get(name);
    if (!f)
      throw new VigilError(
        'VIGIL_ERR_NOT_FOUND',
        name === 'index.html' || name === 'app.js'
          ? 'the console is not built here: run npm run build'
          : `no console file ${name}`,
      );
    return f;
  };
  const headers = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    serve('app.js');
    const f = serve('index.html');
    return reply.headers(headers).type(f.type).send(f.body);
  });
  app.get<{ Params: { file: string } }>(
    '/console/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const f = serve(req.params.file);
      // The service worker lives here but serves the whole console (scope /).
      if (req.params.file === 'sw.js') void reply.header('service-worker-allowed', '/');
      return reply.headers(headers).type(f.type).send(f.body);
    },
  );
}
