import type { AlertPayload } from '../../services/alerts/payload-schemas';
import { startDaemon } from '../helpers/daemon';
import type { Daemon } from '../helpers/daemon';
import { tempDir } from '../helpers/media';
import { requireMosquitto, startMosquitto } from '../helpers/mosquitto';
import { recordMqtt } from '../helpers/mqtt-recorder';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';
import { siteConfig } from '../helpers/site';

/** Alert ids the daemon logged as accepted (on disk in the outbox), from its JSON log lines. */
function acceptedStarts(d: Daemon): string[] {
  return d
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"alert"'))
    .map((l) => JSON.parse(l) as { alert: { id: string; type: string } })
    .filter((l) => l.alert.type === 'start')
    .map((l) => l.alert.id);
}

(requireMosquitto('the outbox crash test') ? test : test.skip)(
  'alerts accepted while the broker is down survive kill -9 of the daemon and arrive after its restart',
  async () => {
    const dir = tempDir('vigil-crash-');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const { file } = siteConfig(dir, { url: `mqtt://127.0.0.1:${mqttPort}` }, apiPort);
    let daemon = startDaemon(['--config', file]);
    let broker;
    let rec: Awaited<ReturnType<typeof recordMqtt>> | undefined;
    try {
      const ids = await waitFor(
        'an alert accepted into the outbox',
        () => (acceptedStarts(daemon).length > 0 ? acceptedStarts(daemon) : undefined),
        90_000,
        200,
      );
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
      broker = await startMosquitto(undefined, mqttPort);
      rec = await recordMqtt(broker.url);
      const messages = rec.messages;
      daemon = startDaemon(['--config', file]);
      const got = await waitFor(
        'the alert from before the crash',
        () =>
          messages
            .filter((m) => m.topic === 'vigil/square/alerts')
            .map((m) => JSON.parse(m.payload.toString()) as AlertPayload)
            .find((a) => a.id === ids[0] && a.type === 'start'),
        60_000,
        200,
      );
      expect(got.snapshotTopic).toBe(`vigil/square/alerts/${ids[0]}/snapshot`);
      expect(messages.some((m) => m.topic === got.snapshotTopic)).toBe(true);
      expect(daemon.stdout()).toContain('undelivered messages from before the restart');
    } finally {
      await rec?.client.endAsync(true);
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
      await broker?.stop();
    }
  },
  180_000,
);
