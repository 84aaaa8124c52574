import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { requireMosquitto, startMosquitto } from '../helpers/mosquitto';
import { recordMqtt } from '../helpers/mqtt-recorder';
import type { Received } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { siteConfig } from '../helpers/site';
import { waitFor } from '../helpers/wait';

const alerts = (messages: Received[]) =>
  messages
    .filter((m) => m.topic === 'vigil/square/alerts')
    .map((m) => JSON.parse(m.payload.toString()) as AlertPayload);

(requireMosquitto('the crash lifecycle test') ? test : test.skip)(
  'kill -9 with an incident open, then restart: the incident gets exactly one end (endReason restart), under its own id, and a later restart sends none',
  async () => {
    const dir = tempDir('vigil-lifecycle-');
    const broker = await startMosquitto();
    const { file } = siteConfig(dir, { url: broker.url }, await freePort());
    const rec = await recordMqtt(broker.url, 'vigil/#');
    let daemon: Daemon = startDaemon(['--config', file]);
    const kill = async () => {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    };
    try {
      const start = await waitFor(
        'a loitering start',
        () => alerts(rec.messages).find((a) => a.type === 'start'),
        90_000,
        100,
      );
      await kill();
      const before = alerts(rec.messages).filter((a) => a.id === start.id);
      expect(before.some((a) => a.type === 'end')).toBe(false);
      const lastSeq = Math.max(...before.map((a) => a.seq));

      daemon = startDaemon(['--config', file]);
      const end = await waitFor(
        'the end of the incident the crash left open',
        () => alerts(rec.messages).find((a) => a.id === start.id && a.type === 'end'),
        60_000,
        100,
      );
      expect(end).toMatchObject({ endReason: 'restart', seq: lastSeq + 1, zone: 'meeting-point' });
      expect(Date.parse(end.at)).toBeGreaterThan(Date.parse(start.at));

      // Once more: the daemon restarted after a clean run must not end it again.
      await waitFor(
        'the second run analysing',
        () => daemon.stdout().includes('"stream streaming"'),
        60_000,
      );
      await kill();
      daemon = startDaemon(['--config', file]);
      await waitFor(
        'the third run analysing',
        () => daemon.stdout().includes('"stream streaming"'),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 3000));
      const ends = alerts(rec.messages).filter((a) => a.id === start.id && a.type === 'end');
      expect(ends).toHaveLength(1);
    } finally {
      await kill();
      await rec.client.endAsync(true);
      await broker.stop();
    }
  },
  240_000,
);
