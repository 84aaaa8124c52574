import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import Aedes from 'aedes';
import type { AuthenticateError, Client } from 'aedes';
import { sha256Hex } from '../api/auth';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { mayPublish, maySubscribe } from './broker-acl';
import type { BrokerRole } from './broker-acl';

/** A configured login (mqtt.users): the password's sha256, never the password. */
export interface BrokerLogin {
  name: string;
  role: Exclude<BrokerRole, 'vigil'>;
  sha256: string;
}

export interface BrokerAuth {
  users: readonly BrokerLogin[];
  /** Vigil's own client: made fresh at every start, known to no one else. */
  vigil: { username: string; password: string; clientId: string };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function refuse(code: 2 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * An in-process MQTT broker (aedes) for single-box installs and the demo. Every client logs in:
 * Vigil with its own per-start credential, clerks and integrations with the logins of
 * `mqtt.users`; the ACL of broker-acl.ts decides what each may publish and read. Anonymous
 * clients, wrong passwords and a stranger taking Vigil's client id are refused at CONNECT.
 */
export class EmbeddedBroker {
  private readonly broker: Aedes;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly roles = new WeakMap<Client, { name: string; role: BrokerRole }>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly log: Logger,
    private readonly auth: BrokerAuth,
  ) {
    this.broker = new Aedes({
      authenticate: (client, username, password, done) => {
        const r = this.login(client, username, password?.toString('utf8'));
        if (typeof r === 'string') {
          this.log.warn({ client: client.id, username, reason: r }, 'mqtt login refused');
          done(refuse(r.includes('client id') ? 2 : 4, r), false);
          return;
        }
        this.roles.set(client, r);
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        const who = client ? this.roles.get(client) : { name: 'broker', role: 'vigil' as const };
        if (who && mayPublish(who.role, packet.topic)) return done(null);
        this.log.warn({ user: who?.name, topic: packet.topic }, 'mqtt publish refused');
        done(new Error('not authorised'));
      },
      authorizeSubscribe: (client, sub, done) => {
        const who = this.roles.get(client);
        if (who && maySubscribe(who.role, sub.topic)) return done(null, sub);
        this.log.warn({ user: who?.name, filter: sub.topic }, 'mqtt subscribe refused');
        done(null, null);
      },
    });
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.broker.on('clientError', (client, err) =>
      this.log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
    );
  }

  /** The login's identity, or why it is refused. */
  private login(
    client: Client,
    username: string | undefined,
    password: string | undefined,
  ): { name: string; role: BrokerRole } | string {
    if (!username || password === undefined) return 'anonymous clients are not accepted';
    const v = this.auth.vigil;
    if (same(username, v.username) && same(password, v.password))
      return { name: username, role: 'vigil' };
    const digest = sha256Hex(password);
    const user = this.auth.users.find((u) => u.name === username && same(u.sha256, digest));
    if (!user) return 'bad user name or password';
    if (client.id === v.clientId) return `client id ${v.clientId} is Vigil's own`;
    return { name: user.name, role: user.role };
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err) =>
        reject(
          new VigilError(
            'VIGIL_ERR_BROKER_START',
            `embedded broker cannot listen on ${this.host}:${this.port}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      this.server.listen(this.port, this.host, () => resolve());
    });
    const addr = this.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.port;
    this.log.info(
      { host: this.host, port, logins: this.auth.users.length },
      'embedded MQTT broker listening (logins required)',
    );
    if (!LOOPBACK.test(this.host))
      this.log.warn(
        { host: this.host, port },
        'the embedded MQTT broker listens beyond this machine without TLS: logins and alerts cross the network in clear; keep it on 127.0.0.1 or use a broker with TLS (mosquitto, see README)',
      );
    return port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
