import { existsSync } from 'node:fs';
import path from 'node:path';
import { AlertDispatcher } from '../../../services/alerts/alert-dispatcher';
import type { AlertPayload } from '../../../services/alerts/payload-schemas';
import { AlertPayloadSchema } from '../../../services/alerts/payload-schemas';
import { AlertStateStore } from '../../../services/alerts/alert-state-store';
import { IncidentManager, policyFromConfig } from '../../../services/alerts/incidents';
import { parseConfig } from '../../../services/config/load';
import { Value } from '@sinclair/typebox/value';
import { ruleEvent } from '../../helpers/events';
import { captureLogger } from '../../helpers/logger';
import { tempDir, vtestFrame } from '../../helpers/media';

/** A walkout's start names the same person's concealment alert: the clerk sees both pictures. */
test('a walkout carries the concealment alert of the same person, whose snapshot is on disk', async () => {
  const dir = tempDir('vigil-walkout-');
  const { log } = captureLogger();
  const config = parseConfig({ dataDir: dir, cameras: [{ id: 'shop', source: { url: 'x' } }] });
  const sent: AlertPayload[] = [];
  const dispatcher = new AlertDispatcher(
    [{ send: (a) => void sent.push(a) }],
    new IncidentManager(policyFromConfig(config), new AlertStateStore(undefined, log)),
    { dataDir: dir, snapshotQuality: 80, snapshotWidth: 0 },
    log,
  );
  const cam = { id: 'shop', name: 'Shop', width: 768, height: 576 };
  const frame = (ms: number) => ({
    camera: 'shop',
    index: 0,
    timestampMs: ms,
    width: 768,
    height: 576,
    rgb: vtestFrame(40),
  });
  const t0 = Date.UTC(2026, 0, 5, 14, 0, 0);
  const conceal = (trackId: number) =>
    ruleEvent('start', {
      rule: 'concealment',
      zoneId: 'shelf',
      trackId,
      atMs: t0,
      startedAtMs: t0,
    });
  await dispatcher.dispatch(cam, frame(t0), [], [conceal(4), conceal(5)]);
  const walkout = ruleEvent('start', {
    rule: 'walkout',
    zoneId: 'doors',
    zoneName: 'Doors',
    trackId: 4,
    startedAtMs: t0 + 20_000,
    atMs: t0 + 20_000,
    severity: 'high',
  });
  await dispatcher.dispatch(cam, frame(t0 + 20_000), [], [walkout]);
  const concealment = sent.find((a) => a.rule === 'concealment' && a.trackId === 4)!;
  const out = sent.find((a) => a.rule === 'walkout')!;
  expect(out.concealment).toEqual({
    alertId: concealment.id,
    snapshot: concealment.snapshot,
    at: concealment.at,
  });
  expect(out.snapshot).not.toBe(concealment.snapshot);
  expect(existsSync(path.join(dir, out.concealment!.snapshot!))).toBe(true);
  expect(Value.Check(AlertPayloadSchema, out)).toBe(true);
  // Another person's walkout names nobody's concealment but theirs.
  await dispatcher.dispatch(cam, frame(t0 + 30_000), [], [{ ...walkout, trackId: 9 }]);
  expect(sent.at(-1)!.concealment).toBeUndefined();
});
