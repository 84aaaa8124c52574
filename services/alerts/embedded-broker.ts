import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import Aedes from 'aedes';
import type { AuthenticateError, Client } from 'aedes';
import { sameSecret, sha256Hex } from '../core/hashing';
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

/** The broker's MQTT-over-TLS listener: PEM certificate (chain) and key. */
export interface BrokerTls {
  port: number;
  cert: Buffer;
  key: Buffer;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function refuse(code: 2 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/**
 * An in-process MQTT broker (aedes) for single-box installs and the demo. Every client logs in:
 * Vigil with its own per-start credential, clerks and integrations with the logins of
 * `mqtt.users`; the ACL of broker-acl.ts decides what each may publish and read. Anonymous
 * clients, wrong passwords and a stranger taking Vigil's client id are refused at CONNECT.
 * With a certificate, MQTT over TLS listens on `host` and the plain listener only on 127.0.0.1
 * (for Vigil's own client and tools on the box): nothing leaves the machine in clear.
 */
export class EmbeddedBroker {
  private readonly broker: Aedes;
  private readonly servers: { server: Server; host: string; port: number; tls: boolean }[];
  private readonly sockets = new Set<Socket>();
  private readonly roles = new WeakMap<Client, { name: string; role: BrokerRole }>();

  constructor(
    private readonly host: string,
    port: number,
    private readonly log: Logger,
    private readonly auth: BrokerAuth,
    tls?: BrokerTls,
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
    const handle = (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    };
    const plainHost = tls && !LOOPBACK.test(host) ? '127.0.0.1' : host;
    this.servers = [{ server: createServer(handle), host: plainHost, port, tls: false }];
    if (tls) {
      const server = createTlsServer(
        { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
        handle,
      );
      // A client that fails the handshake (plain MQTT on the TLS port, a scanner) is logged, no more.
      server.on('tlsClientError', (err) =>
        this.log.debug({ err: err.message }, 'mqtt TLS handshake failed'),
      );
      this.servers.push({ server, host, port: tls.port, tls: true });
    }
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
    if (sameSecret(username, v.username) && sameSecret(password, v.password))
      return { name: username, role: 'vigil' };
    const digest = sha256Hex(password);
    const user = this.auth.users.find((u) => u.name === username && sameSecret(u.sha256, digest));
    if (!user) return 'bad user name or password';
    if (client.id === v.clientId) return `client id ${v.clientId} is Vigil's own`;
    return { name: user.name, role: user.role };
  }

  /** Listens; answers the plain listener's port (Vigil's own client connects there). */
  async start(): Promise<number> {
    const ports: number[] = [];
    for (const l of this.servers) ports.push(await this.listen(l));
    const tls = this.servers[1];
    this.log.info(
      {
        host: this.servers[0]!.host,
        port: ports[0],
        ...(tls ? { tlsHost: tls.host, tlsPort: ports[1] } : {}),
        logins: this.auth.users.length,
      },
      tls
        ? 'embedded MQTT broker listening (logins required; TLS beyond this machine)'
        : 'embedded MQTT broker listening (logins required)',
    );
    if (!tls && !LOOPBACK.test(this.host))
      this.log.warn(
        { host: this.host, port: ports[0] },
        'the embedded MQTT broker listens beyond this machine without TLS: logins and alerts cross the network in clear; set mqtt.embeddedCertFile and embeddedKeyFile, keep it on 127.0.0.1, or use a broker with TLS (mosquitto, see README)',
      );
    return ports[0]!;
  }

  /** The TLS listener's port, once started (undefined without a certificate). */
  get tlsPort(): number | undefined {
    const addr = this.servers[1]?.server.address();
    return typeof addr === 'object' && addr ? addr.port : undefined;
  }

  private async listen(l: { server: Server; host: string; port: number; tls: boolean }) {
    await new Promise<void>((resolve, reject) => {
      l.server.once('error', (err) =>
        reject(
          new VigilError(
            'VIGIL_ERR_BROKER_START',
            `embedded broker cannot listen${l.tls ? ' (TLS)' : ''} on ${l.host}:${l.port}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      l.server.listen(l.port, l.host, () => resolve());
    });
    const addr = l.server.address();
    return typeof addr === 'object' && addr ? addr.port : l.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(
      this.servers.map(
        (l) =>
          new Promise<void>((resolve) =>
            l.server.listening ? l.server.close(() => resolve()) : resolve(),
          ),
      ),
    );
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
