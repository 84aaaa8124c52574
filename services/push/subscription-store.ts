import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/** A device that turned notifications on: the browser's subscription and the login that made it. */
export const StoredSubscriptionSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f]{16}$' }),
    login: Type.String({ minLength: 1, maxLength: 64 }),
    endpoint: Type.String({ minLength: 1, maxLength: 2048 }),
    keys: Type.Object(
      {
        p256dh: Type.String({ pattern: '^[A-Za-z0-9_-]{80,100}$' }),
        auth: Type.String({ pattern: '^[A-Za-z0-9_-]{16,32}$' }),
      },
      { additionalProperties: false },
    ),
    createdAt: Type.String(),
    /** The device, as the console names it (user agent), for the admin's list. */
    device: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type StoredSubscription = Static<typeof StoredSubscriptionSchema>;

const FileSchema = Type.Object(
  { version: Type.Literal(1), subscriptions: Type.Array(StoredSubscriptionSchema) },
  { additionalProperties: false },
);

/** The id of a subscription: a digest of its endpoint (the endpoint itself is a secret). */
export const subscriptionId = (endpoint: string) =>
  createHash('sha256').update(endpoint).digest('hex').slice(0, 16);

/**
 * The subscriptions in <dataDir>/push/subscriptions.json (mode 600: endpoints are capabilities),
 * validated on load. A file that fails validation is moved aside (.corrupt-<time>), logged with
 * VIGIL_ERR_PUSH_STORE_CORRUPT, and the store starts empty; a failed write is logged, never thrown.
 */
export class SubscriptionStore {
  private readonly subs = new Map<string, StoredSubscription>();
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
    nowMs = Date.now(),
  ) {
    this.file = path.join(dataDir, 'push', 'subscriptions.json');
    this.load(nowMs);
  }

  private load(nowMs: number): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error(
          { code: 'VIGIL_ERR_PUSH_STORE_CORRUPT', err: errorMessage(err), file: this.file },
          'push subscriptions unreadable; starting with none',
        );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return this.moveAside(nowMs, errorMessage(err));
    }
    if (!Value.Check(FileSchema, parsed)) {
      const first = [...Value.Errors(FileSchema, parsed)][0];
      return this.moveAside(nowMs, `${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
    }
    for (const s of parsed.subscriptions) this.subs.set(s.id, s);
  }

  private moveAside(nowMs: number, why: string): void {
    const aside = `${this.file}.corrupt-${nowMs}`;
    try {
      renameSync(this.file, aside);
    } catch (err) {
      this.log.error({ err: errorMessage(err), file: this.file }, 'could not move the file aside');
    }
    this.log.error(
      { code: 'VIGIL_ERR_PUSH_STORE_CORRUPT', file: this.file, movedTo: aside, why },
      'push subscriptions file is corrupt: moved aside, starting with none (devices turn notifications on again)',
    );
  }

  all(): StoredSubscription[] {
    return [...this.subs.values()];
  }

  get(id: string): StoredSubscription | undefined {
    return this.subs.get(id);
  }

  /** Adds or replaces (same endpoint); beyond `maxPerLogin` the login's oldest goes. */
  put(sub: StoredSubscription, maxPerLogin: number): void {
    this.subs.delete(sub.id);
    this.subs.set(sub.id, sub);
    const mine = this.all().filter((s) => s.login === sub.login);
    for (const old of mine.slice(0, Math.max(0, mine.length - maxPerLogin)))
      this.subs.delete(old.id);
    this.save();
  }

  /** Removes the subscriptions matching `pick`; answers how many. */
  remove(pick: (s: StoredSubscription) => boolean): number {
    let n = 0;
    for (const s of this.all())
      if (pick(s)) {
        this.subs.delete(s.id);
        n++;
      }
    if (n > 0) this.save();
    return n;
  }

  private save(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp`;
      const body = { version: 1, subscriptions: this.all() };
      writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
    } catch (err) {
      this.log.error({ err: errorMessage(err), file: this.file }, 'push subscriptions not saved');
    }
  }
}
