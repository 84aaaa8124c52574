import { Type } from '@sinclair/typebox';
import { SCRYPT_PATTERN } from '../core/hashing';
import { obj, oneOf } from './schema-parts';

/** The MQTT broker connection (embedded or external), its users and topics. Mounted by schema.ts. */

export const MqttSchema = obj(
  {
    url: Type.String({
      default: 'embedded',
      description: "Broker URL (mqtt://, mqtts://); '' or 'embedded' starts an embedded broker.",
    }),
    embeddedHost: Type.String({ default: '127.0.0.1', description: 'Embedded broker address.' }),
    embeddedPort: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 1883,
      description: 'Embedded broker port.',
    }),
    embeddedTlsPort: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 8883,
      description: 'Embedded broker MQTT-over-TLS port, served when embeddedCertFile is set.',
    }),
    embeddedCertFile: Type.String({
      default: '',
      description:
        "PEM certificate (chain) of the embedded broker's TLS listener, with embeddedKeyFile. Set, the plain listener stays on 127.0.0.1 and only TLS listens on embeddedHost.",
    }),
    embeddedKeyFile: Type.String({
      default: '',
      description: 'PEM private key of embeddedCertFile (never logged).',
    }),
    username: Type.String({ default: '', description: 'Broker user name.' }),
    password: Type.String({ default: '', description: 'Broker password (never logged).' }),
    clientId: Type.String({
      default: 'vigil',
      minLength: 1,
      maxLength: 64,
      description:
        "MQTT client id; with nodeId set and this left at 'vigil', it is vigil-<nodeId>.",
    }),
    nodeId: Type.String({
      default: '',
      maxLength: 32,
      pattern: '^([a-z0-9][a-z0-9_-]{0,31})?$',
      description:
        'Set on each daemon when a site runs several on one broker: its client id becomes vigil-<nodeId> and its availability vigil/available/<nodeId> (camera ids must differ between them). Empty: one daemon, vigil/available.',
    }),
    homeAssistant: obj(
      {
        discovery: Type.Union([Type.Literal('auto'), Type.Boolean()], {
          default: 'auto',
          description:
            "Publish Home Assistant MQTT discovery configs (retained) per camera. 'auto': on when the broker is not the embedded one.",
        }),
        prefix: Type.String({
          default: 'homeassistant',
          pattern: '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$',
          description: "Home Assistant's discovery prefix.",
        }),
      },
      'Home Assistant MQTT discovery: one device per camera.',
    ),
    caFile: Type.String({
      default: '',
      description:
        "PEM file of the CA that signed the broker's certificate (mqtts:// with a private CA); empty: the system's CAs.",
    }),
    certFile: Type.String({
      default: '',
      description: 'PEM client certificate, for brokers that require one (with keyFile).',
    }),
    keyFile: Type.String({
      default: '',
      description: 'PEM private key of certFile (never logged).',
    }),
    users: Type.Array(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            maxLength: 64,
            pattern: '^[A-Za-z0-9_.@-]+$',
            description: 'The login name (MQTT username).',
          }),
          role: oneOf(
            ['clerk', 'viewer'],
            'viewer',
            'viewer reads alerts, snapshots and status; clerk also acks and snoozes alerts.',
          ),
          scrypt: Type.Optional(
            Type.String({
              pattern: SCRYPT_PATTERN,
              description:
                'Salted scrypt of the password (scrypt$N$r$p$salt$key, as npm run token prints it); the password itself is never stored.',
            }),
          ),
          sha256: Type.Optional(
            Type.String({
              pattern: '^[0-9a-f]{64}$',
              description:
                'Older form: unsalted sha256 (hex) of the password, still accepted with a warning at start. Exactly one of scrypt and sha256.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        maxItems: 200,
        description:
          'Logins of the embedded broker (npm run token -- mqtt-<role> <name> makes one). Anonymous clients are refused; only Vigil publishes alerts, status and availability.',
      },
    ),
  },
  'MQTT broker connection.',
);
