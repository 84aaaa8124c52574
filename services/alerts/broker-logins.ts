import { scrypt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock';
import { SCRYPT_PATTERN, sameSecret, scryptHash, sha256Hex } from '../core/hashing';
import type { BrokerRole } from './broker-acl';

/** A configured login (mqtt.users): a salted scrypt of the password, or (older configs) its sha256. */
export interface BrokerLogin {
  name: string;
  role: Exclude<BrokerRole, 'vigil'>;
  scrypt?: string;
  sha256?: string;
}

export type LoginOutcome =
  | { ok: true; name: string; role: Exclude<BrokerRole, 'vigil'> }
  | { ok: false; code: 3 | 4; reason: string };

export interface LoginLimits {
  /** Failed logins an address may make before it waits. */
  freeFailures: number;
  /** The first wait; it doubles with each further failure, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** scrypt checks run at once (libuv's pool is shared with file I/O), and how many may wait. */
  concurrent: number;
  queued: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeFailures: 5,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  concurrent: 2,
  queued: 64,
};

/** Addresses remembered after their last failure, and at most this many of them. */
const FORGET_AFTER_MS = 15 * 60_000;
const MAX_ADDRESSES = 10_000;
const SCRYPT_FORMAT = new RegExp(SCRYPT_PATTERN);

/** scrypt off the event loop; false (never a throw) for a malformed or too costly stored string. */
export async function verifyScryptAsync(secret: string, stored: string): Promise<boolean> {
  const m = SCRYPT_FORMAT.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > 1_048_576 || (N & (N - 1)) !== 0 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, expected.length, { N, r, p, maxmem: 256 * 2 ** 20 }, (err, k) =>
      err ? reject(err) : resolve(k),
    ),
  ).catch((err: unknown) => {
    // Parameters scrypt refuses (its memory bound; thrown at once): the stored hash matches nothing.
    void err;
    return undefined;
  });
  return key !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Checks the logins of `mqtt.users` for the embedded broker: one scrypt per attempt, off the
 * event loop and at most `concurrent` at once, so a flood of bad logins neither blocks the daemon
 * nor starves its file I/O; an address that failed `freeFailures` times waits, longer each time,
 * and is refused without a check while it waits. An unknown name costs the same scrypt as a
 * known one (no user enumeration by timing).
 */
export class BrokerLogins {
  private readonly failures = new Map<string, { count: number; lastMs: number }>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Checked against for unknown names, so that they take as long as known ones. */
  private readonly decoy = scryptHash('vigil-decoy');

  constructor(
    private readonly users: readonly BrokerLogin[],
    private readonly clock: Clock,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  async check(address: string, username: string, password: string): Promise<LoginOutcome> {
    const wait = this.backoffLeftMs(address);
    if (wait > 0)
      return {
        ok: false,
        code: 3,
        reason: `too many failed logins from ${address}; refused for ${Math.ceil(wait / 1000)} s`,
      };
    if (this.running >= this.limits.concurrent && this.waiting.length >= this.limits.queued)
      return { ok: false, code: 3, reason: 'too many logins at once' };
    const user = this.users.find((u) => sameSecret(u.name, username));
    const ok = await this.limited(() => this.matches(user, password));
    if (ok && user) {
      this.failures.delete(address);
      return { ok: true, name: user.name, role: user.role };
    }
    this.failed(address);
    return { ok: false, code: 4, reason: 'bad user name or password' };
  }

  private async matches(user: BrokerLogin | undefined, password: string): Promise<boolean> {
    if (user?.scrypt !== undefined) return verifyScryptAsync(password, user.scrypt);
    if (user?.sha256 !== undefined) return sameSecret(sha256Hex(password), user.sha256);
    await verifyScryptAsync(password, this.decoy);
    return false;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    // A finished check hands its slot straight to the next in line.
    if (this.running >= this.limits.concurrent)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private backoffLeftMs(address: string): number {
    const f = this.failures.get(address);
    if (!f) return 0;
    const now = this.clock.now();
    if (now - f.lastMs > FORGET_AFTER_MS) {
      this.failures.delete(address);
      return 0;
    }
    const over = f.count - this.limits.freeFailures;
    if (over <= 0) return 0;
    const ms = Math.min(this.limits.backoffMs * 2 ** (over - 1), this.limits.maxBackoffMs);
    return Math.max(0, f.lastMs + ms - now);
  }

  private failed(address: string): void {
    const f = this.failures.get(address) ?? { count: 0, lastMs: 0 };
    this.failures.delete(address);
    if (this.failures.size >= MAX_ADDRESSES)
      this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(address, { count: f.count + 1, lastMs: this.clock.now() });
  }
}
