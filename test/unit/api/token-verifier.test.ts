import { TokenVerifier, newApiToken } from '../../../services/api/auth';
import type { ApiToken } from '../../../services/api/auth';
import { sha256Hex, verifyScryptAsync } from '../../../services/core/hashing';

/** 50 stored tokens in the salted form, one legacy, and a counting scrypt check. */
function setup() {
  const made = Array.from({ length: 3 }, () => newApiToken());
  // The other 47 share one real hash (made once: scrypt is slow by design) under their own ids.
  const stored: ApiToken[] = [
    ...made.map((m, i) => ({
      name: `user${i}`,
      role: 'clerk' as const,
      id: m.id,
      scrypt: m.scrypt,
    })),
    ...Array.from({ length: 47 }, (_, i) => ({
      name: `other${i}`,
      role: 'viewer' as const,
      id: `other${i}`,
      scrypt: made[0]!.scrypt,
    })),
    { name: 'old', role: 'admin', sha256: sha256Hex('legacy-token') },
  ];
  let tokens = stored;
  const calls: string[] = [];
  const verifier = new TokenVerifier(
    () => tokens,
    8,
    (secret, hash) => {
      calls.push(secret);
      return verifyScryptAsync(secret, hash);
    },
  );
  const bearer = (t: string) => `Bearer ${t}`;
  return { made, verifier, calls, bearer, setTokens: (t: ApiToken[]) => (tokens = t), stored };
}

test('a new-form token verifies with one scrypt, then is remembered: ten more requests cost no scrypt', async () => {
  const { made, verifier, calls, bearer } = setup();
  expect(await verifier.verify(bearer(made[1]!.token))).toMatchObject({ name: 'user1' });
  for (let i = 0; i < 10; i++)
    expect(await verifier.verify(bearer(made[1]!.token))).toMatchObject({ name: 'user1' });
  expect(calls).toHaveLength(1);
  // The same token on several requests at once: one scrypt for all.
  await Promise.all(Array.from({ length: 5 }, () => verifier.verify(bearer(made[2]!.token))));
  expect(calls).toHaveLength(2);
});

test.each([
  ['a wrong secret for a stored id', (id: string) => `vgl_${id}_wrong-secret-000000000000`, 1],
  ['an id that is not stored', () => 'vgl_nosuchid_wrong-secret-000000000000', 0],
  ['not the token format', () => 'some-random-token-without-an-id', 0],
  ['an empty bearer', () => '', 0],
])('%s: refused, at most one scrypt (never one per stored token)', async (_what, make, scrypts) => {
  const { made, verifier, calls, bearer } = setup();
  expect(await verifier.verify(bearer(make(made[0]!.id)))).toBeUndefined();
  expect(calls).toHaveLength(scrypts);
});

test('the legacy sha256 form is accepted without scrypt', async () => {
  const { verifier, calls, bearer } = setup();
  expect(await verifier.verify(bearer('legacy-token'))).toMatchObject({
    name: 'old',
    role: 'admin',
  });
  expect(calls).toHaveLength(0);
});

test('a token removed from the config stops working at once, remembered or not; the memory is bounded', async () => {
  const { made, verifier, bearer, setTokens, stored } = setup();
  expect(await verifier.verify(bearer(made[0]!.token))).toBeDefined();
  setTokens(stored.filter((t) => t.name !== 'user0'));
  expect(await verifier.verify(bearer(made[0]!.token))).toBeUndefined();
  expect(verifier.claimed(bearer(made[0]!.token))).toBeUndefined();
  // A role changed in the config applies to the remembered token too.
  setTokens(stored.map((t) => (t.name === 'user1' ? { ...t, role: 'viewer' } : t)));
  expect(await verifier.verify(bearer(made[1]!.token))).toMatchObject({ role: 'viewer' });
  // More tokens than the memory holds (8): still each verified, the oldest forgotten.
  const many = Array.from({ length: 10 }, () => newApiToken());
  setTokens(many.map((m, i) => ({ name: `m${i}`, role: 'viewer', id: m.id, scrypt: m.scrypt })));
  for (const m of many) expect(await verifier.verify(bearer(m.token))).toBeDefined();
  expect(verifier['verified'].size).toBe(8);
});

test('claimed (for rate limiting) names the login a header claims without a slow hash', () => {
  const { made, verifier, calls, bearer } = setup();
  expect(verifier.claimed(bearer(`vgl_${made[2]!.id}_not-the-secret`))).toMatchObject({
    name: 'user2',
  });
  expect(verifier.claimed(bearer('legacy-token'))).toMatchObject({ name: 'old' });
  expect(verifier.claimed(bearer('vgl_unknown_x'))).toBeUndefined();
  expect(verifier.claimed(undefined)).toBeUndefined();
  expect(calls).toHaveLength(0);
});
