import net from 'node:net';

/** MQTT's variable-length "remaining length" (1 to 4 bytes). */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const field = (b: Buffer) => {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(Math.min(b.length, 0xffff));
  return Buffer.concat([len, b]);
};

export interface RawConnect {
  clientId?: string;
  username?: Buffer | string;
  password?: Buffer | string;
  /** Set the flag without the field (or the field without the flag) to lie about them. */
  usernameFlag?: boolean;
  passwordFlag?: boolean;
}

/** A hand-built MQTT 3.1.1 CONNECT: the fields as given, the flags as given or implied. */
export function connectPacket(c: RawConnect): Buffer {
  const user = c.username === undefined ? undefined : Buffer.from(c.username);
  const pass = c.password === undefined ? undefined : Buffer.from(c.password);
  const flags =
    ((c.usernameFlag ?? user !== undefined) ? 0x80 : 0) |
    ((c.passwordFlag ?? pass !== undefined) ? 0x40 : 0) |
    0x02;
  const body = Buffer.concat([
    field(Buffer.from('MQTT')),
    Buffer.from([4, flags, 0, 30]),
    field(Buffer.from(c.clientId ?? `fuzz-${Math.random().toString(16).slice(2, 10)}`)),
    ...(user ? [field(user)] : []),
    ...(pass ? [field(pass)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** A PUBLISH QoS 0 (after a CONNECT on the same connection). */
export function publishPacket(topic: string, payload: Buffer): Buffer {
  const body = Buffer.concat([field(Buffer.from(topic)), payload]);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(body.length), body]);
}

export interface RawOutcome {
  /** CONNACK return code, when one came. */
  connack?: number;
  /** The server closed the connection (before `waitMs` ran out). */
  closed: boolean;
  /** Bytes the socket took before it closed or all were written. */
  written: number;
}

/**
 * Sends `bytes` on a fresh connection (in 64 KB pieces, honouring back-pressure) and waits for
 * the CONNACK and, with `untilClose`, for the server to close it; at most `waitMs`.
 */
export function rawMqtt(
  port: number,
  bytes: Buffer,
  opts: { waitMs?: number; untilClose?: boolean; host?: string } = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const out: RawOutcome = { closed: false, written: 0 };
    const s = net.connect(port, opts.host ?? '127.0.0.1');
    let got = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(out);
    };
    const timer = setTimeout(finish, opts.waitMs ?? 5000);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got[0] === 0x20 && out.connack === undefined) {
        out.connack = got[3]!;
        if (!opts.untilClose) finish();
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      out.closed = true;
      finish();
    });
    s.on('connect', () => {
      const pump = () => {
        while (out.written < bytes.length && !s.destroyed) {
          const next = bytes.subarray(out.written, out.written + 64 * 1024);
          out.written += next.length;
          if (!s.write(next)) return void s.once('drain', pump);
        }
      };
      pump();
    });
  });
}
