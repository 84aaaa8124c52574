import { Type } from '@sinclair/typebox';
import { SCRYPT_PATTERN } from '../core/hashing';
import { obj, oneOf } from './schema-parts';

/** The HTTP API. Mounted by schema.ts. */

export const ApiSchema = obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve the HTTP API.' }),
    host: Type.String({ default: '127.0.0.1', description: 'Listen address.' }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      description: 'Listen port (0: any free port).',
    }),
    tokens: Type.Array(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'Who holds the token (for logs).',
          }),
          role: oneOf(
            ['viewer', 'clerk', 'admin'],
            'viewer',
            'viewer reads; clerk also answers alerts (acknowledge, snooze, verdict); admin also changes config.',
          ),
          id: Type.Optional(
            Type.String({
              pattern: '^[a-z0-9]{3,32}$',
              description:
                'The token id: the part between vgl_ and the secret of a token vgl_<id>_<secret>. Unique.',
            }),
          ),
          scrypt: Type.Optional(
            Type.String({
              pattern: SCRYPT_PATTERN,
              description:
                'Salted scrypt hash of the whole token (scrypt$N$r$p$salt$key); the token itself is never stored.',
            }),
          ),
          sha256: Type.Optional(
            Type.String({
              pattern: '^[0-9a-f]{64}$',
              description:
                'Legacy form: sha256 (hex, unsalted) of the bearer token, instead of id and scrypt. Accepted with a warning at startup.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        maxItems: 100,
        description:
          'Bearer tokens (npm run token -- <role> <name> makes one: { name, role, id, scrypt }). Every route but /healthz needs one.',
      },
    ),
    rateLimitPerMinute: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 600,
      description:
        'API requests per minute per login (token name), else per client address; the console files have ten times this.',
    }),
    tlsCertFile: Type.String({
      default: '',
      description: 'PEM certificate: serve HTTPS (with tlsKeyFile).',
    }),
    tlsKeyFile: Type.String({ default: '', description: 'PEM private key for HTTPS.' }),
    behindTlsProxy: Type.Boolean({
      default: false,
      description:
        'A TLS-terminating proxy serves the console to phones: no warning at start for plain HTTP on a LAN address.',
    }),
  },
  'HTTP API.',
);
