import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Why a guard closed its connection. */
export type GuardRefusal =
  | { reason: 'too-large'; packetType: number; bytes: number; limit: number }
  | { reason: 'pre-login-bytes'; bytes: number; limit: number }
  | { reason: 'not-connect-first'; packetType: number }
  | { reason: 'bad-length' }
  | { reason: 'login-timeout'; ms: number };

export interface GuardLimits {
  /** The largest packet (fixed header included) before login; the first must be a CONNECT. */
  preLoginPacketBytes: number;
  /** Everything a connection may send before its login is accepted. */
  preLoginTotalBytes: number;
  /** The login must be accepted this soon after the connection opens. */
  loginTimeoutMs: number;
}

const CONNECT = 1;

/**
 * Between a broker connection's socket and aedes: reads the MQTT fixed header of every packet as
 * the bytes arrive and closes the connection when a packet declares more than it may send,
 * before its body is read (aedes' parser buffers a whole packet, up to 256 MB, before anyone can
 * look at it). Before login only a small CONNECT (and a few small packets after it) may arrive,
 * within `loginTimeoutMs`; after it, packets up to the login's own limit (`loggedIn`).
 */
export class PacketGuard extends Duplex {
  readonly remoteAddress: string;
  private limit: number;
  private isLoggedIn = false;
  private received = 0;
  private packets = 0;
  /** Fixed-header parsing: the type byte, the length's bytes so far, the body left to pass. */
  private state: 'type' | 'length' | 'body' = 'type';
  private type = 0;
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly limits: GuardLimits,
    private readonly onRefuse: (r: GuardRefusal) => void,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = socket.remoteAddress ?? '';
    this.limit = limits.preLoginPacketBytes;
    this.timer = setTimeout(
      () => this.refuse({ reason: 'login-timeout', ms: limits.loginTimeoutMs }),
      limits.loginTimeoutMs,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  /** The login was accepted: from now on packets up to `maxPacketBytes`. */
  loggedIn(maxPacketBytes: number): void {
    clearTimeout(this.timer);
    this.isLoggedIn = true;
    this.limit = maxPacketBytes;
  }

  private onData(chunk: Buffer): void {
    if (this.destroyed) return;
    const refusal = this.scan(chunk);
    if (refusal) return this.refuse(refusal);
    if (!this.isLoggedIn) {
      this.received += chunk.length;
      if (this.received > this.limits.preLoginTotalBytes)
        return this.refuse({
          reason: 'pre-login-bytes',
          bytes: this.received,
          limit: this.limits.preLoginTotalBytes,
        });
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  /** Walks the chunk's fixed headers; the first refusal found, if any. */
  private scan(chunk: Buffer): GuardRefusal | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'type') {
        this.type = byte >> 4;
        this.length = 0;
        this.lengthBytes = 0;
        this.state = 'length';
        continue;
      }
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return { reason: 'bad-length' };
        continue;
      }
      const refusal = this.check(1 + this.lengthBytes + this.length);
      if (refusal) return refusal;
      this.bodyLeft = this.length;
      this.state = this.length > 0 ? 'body' : 'type';
    }
    return undefined;
  }

  private check(bytes: number): GuardRefusal | undefined {
    const first = this.packets++ === 0;
    if (first && this.type !== CONNECT)
      return { reason: 'not-connect-first', packetType: this.type };
    if (bytes > this.limit)
      return { reason: 'too-large', packetType: this.type, bytes, limit: this.limit };
    return undefined;
  }

  private refuse(r: GuardRefusal): void {
    if (this.destroyed) return;
    clearTimeout(this.timer);
    this.onRefuse(r);
    this.socket.destroy();
    this.destroy();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return cb();
    this.socket.write(chunk, (err) => cb(err));
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    clearTimeout(this.timer);
    this.socket.destroy();
    cb(err);
  }
}
