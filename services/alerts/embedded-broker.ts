import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import Aedes from 'aedes';
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import { systemClock } from '../core/clock';
import type { Clock } from '../core/clock';
import { sameSecret } from '../core/hashing';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isClerkCommand, mayPublish, maySubscribe } from './broker-acl';
import type { AclScope, BrokerRole } from './broker-acl';
import { BrokerLogins, DEFAULT_LOGIN_LIMITS } from './broker-logins';
import type { BrokerLogin, LoginLimits } from './broker-logins';
import { PacketGuard } from './packet-guard';
import type { GuardLimits, GuardRefusal } from './packet-guard';

export type { BrokerLogin } from './broker-logins';

export interface BrokerAuth {
  users: readonly BrokerLogin[];
  /** Vigil's own client: made fresh at every start, known to no one else. */
  vigil: { username: string; password: string; clientId: string };
  /** Home Assistant's discovery prefix when discovery is on: Vigil publishes there, all read. */
  discoveryPrefix?: string;
}

/** The broker's MQTT-over-TLS listener: PEM certificate (chain) and key. */
export interface BrokerTls {
  port: number;
  cert: Buffer;
  key: Buffer;
}

/** What a connection may send: before login (guard), after it (per role), as a clerk command. */
export interface BrokerLimits {
  guard: GuardLimits;
  maxPacketBytes: Record<BrokerRole, number>;
  commandPayloadBytes: number;
  logins: LoginLimits;
  /** aedes closes a connection whose CONNECT has not arrived by then. */
  connectTimeoutMs: number;
}

const KB = 1024;
export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  guard: { preLoginPacketBytes: 4 * KB, preLoginTotalBytes: 16 * KB, loginTimeoutMs: 20_000 },
  // Vigil's own client carries snapshots; clerks send commands, viewers only subscribe.
  maxPacketBytes: { vigil: 64 * KB * KB, clerk: 32 * KB, viewer: 8 * KB },
  commandPayloadBytes: 16 * KB,
  logins: DEFAULT_LOGIN_LIMITS,
  connectTimeoutMs: 10_000,
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function refuse(code: 2 | 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/** A clerk command's payload with `by` set to the publisher's login (not JSON: unchanged, Vigil refuses it). */
function stampBy(payload: Buffer, login: string): Buffer {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return payload;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return payload;
  return Buffer.from(JSON.stringify({ ...value, by: login }));
}

const REFUSALS: Record<GuardRefusal['reason'], string> = {
  'too-large': 'mqtt packet larger than this connection may send; connection closed',
  'pre-login-bytes': 'mqtt client sent too much before logging in; connection closed',
  'not-connect-first': 'mqtt client did not start with CONNECT; connection closed',
  'bad-length': 'mqtt packet with a malformed length; connection closed',
  'login-timeout': 'mqtt client did not log in in time; connection closed',
};

/**
 * An in-process MQTT broker (aedes) for single-box installs and the demo. Every client logs in:
 * Vigil with its own per-start credential, clerks and integrations with the logins of
 * `mqtt.users`; the ACL of broker-acl.ts decides what each may publish and read. Anonymous
 * clients, wrong passwords and a stranger taking Vigil's client id are refused at CONNECT.
 * Every connection's packets are sized as they arrive (packet-guard.ts): before login only a
 * small CONNECT, after it the role's limit; a clerk's command is stamped with the login.
 * With a certificate, MQTT over TLS listens on `host` and the plain listener only on 127.0.0.1
 * (for Vigil's own client and tools on the box): nothing leaves the machine in clear.
 */
export class EmbeddedBroker {
  private readonly broker: Aedes;
  private readonly servers: { server: Server; host: string; port: number; tls: boolean }[];
  private readonly sockets = new Set<Socket>();
  private readonly roles = new WeakMap<Client, { name: string; role: BrokerRole }>();
  private readonly logins: BrokerLogins;
  private readonly scope: AclScope;

  constructor(
    private readonly host: string,
    port: number,
    private readonly log: Logger,
    private readonly auth: BrokerAuth,
    tls?: BrokerTls,
    private readonly limits: BrokerLimits = DEFAULT_BROKER_LIMITS,
    clock: Clock = systemClock,
  ) {
    this.logins = new BrokerLogins(auth.users, clock, limits.logins);
    this.scope = { discoveryPrefix: auth.discoveryPrefix ?? '' };
    this.broker = new Aedes({
      connectTimeout: limits.connectTimeoutMs,
      authenticate: (client, username, password, done) =>
        void this.authenticate(client, username, password).then((err) =>
          err ? done(err, false) : done(null, true),
        ),
      authorizePublish: (client, packet, done) => done(this.authorizePublish(client, packet)),
      authorizeSubscribe: (client, sub, done) => {
        const who = this.roles.get(client);
        if (who && maySubscribe(who.role, sub.topic, this.scope)) return done(null, sub);
        this.log.warn({ user: who?.name, filter: sub.topic }, 'mqtt subscribe refused');
        done(null, null);
      },
    });
    const handle = (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const guard = new PacketGuard(socket, limits.guard, (r) =>
        this.log.warn(
          { code: 'VIGIL_ERR_MQTT_PACKET_REFUSED', address: socket.remoteAddress, ...r },
          REFUSALS[r.reason],
        ),
      );
      this.broker.handle(guard as unknown as Socket);
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

  /** Logs the client in (null) or says why not; never throws, whatever the bytes. */
  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthenticateError | null> {
    const r = await this.login(client, username, password?.toString('utf8')).catch(
      (err: unknown) => ({ code: 3 as const, reason: `login check failed: ${String(err)}` }),
    );
    if ('code' in r) {
      this.log.warn(
        { client: client.id, username: username?.slice(0, 64), reason: r.reason },
        'mqtt login refused',
      );
      return refuse(r.code, r.reason);
    }
    this.roles.set(client, r);
    (client.conn as unknown as PacketGuard).loggedIn(this.limits.maxPacketBytes[r.role]);
    return null;
  }

  /** The login's identity, or why it is refused. */
  private async login(
    client: Client,
    username: string | undefined,
    password: string | undefined,
  ): Promise<{ name: string; role: BrokerRole } | { code: 2 | 3 | 4; reason: string }> {
    if (!username || password === undefined)
      return { code: 4, reason: 'anonymous clients are not accepted' };
    const v = this.auth.vigil;
    if (sameSecret(username, v.username) && sameSecret(password, v.password))
      return { name: username, role: 'vigil' };
    if (client.id === v.clientId)
      return { code: 2, reason: `client id ${v.clientId} is Vigil's own` };
    const address = (client.conn as unknown as PacketGuard).remoteAddress;
    const r = await this.logins.check(address, username, password);
    return r.ok ? { name: r.name, role: r.role } : r;
  }

  /** null: the publish goes on (a clerk's command stamped with its login); an error closes the client. */
  private authorizePublish(client: Client | null, packet: PublishPacket): Error | null {
    const who = client ? this.roles.get(client) : { name: 'broker', role: 'vigil' as const };
    if (!who || !mayPublish(who.role, packet.topic, who.name, this.scope)) {
      this.log.warn({ user: who?.name, topic: packet.topic }, 'mqtt publish refused');
      return new Error('not authorised');
    }
    if (who.role !== 'clerk' || !isClerkCommand(packet.topic, who.name)) return null;
    if (packet.payload.length > this.limits.commandPayloadBytes) {
      this.log.warn(
        {
          code: 'VIGIL_ERR_COMMAND_INVALID',
          user: who.name,
          topic: packet.topic,
          bytes: packet.payload.length,
          limit: this.limits.commandPayloadBytes,
        },
        'clerk command larger than the limit refused; connection closed',
      );
      return new Error('command too large');
    }
    packet.payload = stampBy(Buffer.from(packet.payload), who.name);
    return null;
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
    const legacy = this.auth.users.filter((u) => u.scrypt === undefined).map((u) => u.name);
    if (legacy.length)
      this.log.warn(
        { logins: legacy },
        'mqtt.users logins stored as unsalted sha256: make them again with npm run token -- mqtt-<role> <name> (salted scrypt)',
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
