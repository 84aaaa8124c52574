import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchDaemon } from './peers/bench-daemon';
import { heapGroups, heapGrowth, heapTotalBytes } from './peers/heap-snapshot';
import { rssMB } from './peers/proc-stats';
import { seededRandom } from './peers/seeded-random';
import { repoRoot } from '../services/core/package-info';
import { h264Clip } from './peers/h264-clip';
import { RtspPeer, rtspPeerUnavailable } from './peers/rtsp-peer';

/**
 * npm run bench:faults: a soak. N cameras (default 4), each on its own RTSP server (GStreamer
 * peer with digest auth), the built daemon on them for M minutes (default 10), and every 30 s a
 * random fault on a random camera: power loss (killed, back after 3-10 s), hang (SIGSTOP for
 * 3-10 s), reboot (killed and restarted at once), password changed (for 3-10 s, then restored).
 * Prints per camera uptime %, reconnects and the longest outage beyond the injected one, the
 * worst recovery per fault kind, and the daemon's RSS at start and end. Ends with one JSON line.
 */
type FaultKind = 'power-loss' | 'hang' | 'reboot' | 'password-changed';
const KINDS: FaultKind[] = ['power-loss', 'hang', 'reboot', 'password-changed'];

interface Fault {
  camera: string;
  kind: FaultKind;
  startMs: number;
  endMs: number;
}
interface Sample {
  at: number;
  states: Map<string, { state: string; restarts: number }>;
}

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '4' },
    minutes: { type: 'string', default: '10' },
    every: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    // A heap snapshot of the daemon's main thread at this minute and one at the end, diffed.
    'heap-snapshot-at': { type: 'string', default: '10' },
  },
});
const N = Number(values.cameras);
const DURATION_MS = Number(values.minutes) * 60_000;
const EVERY_MS = Number(values.every) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inject(peer: RtspPeer, kind: FaultKind, holdMs: number): Promise<void> {
  switch (kind) {
    case 'power-loss':
      await peer.kill();
      await sleep(holdMs);
      await peer.restart();
      return;
    case 'hang':
      peer.pause();
      await sleep(holdMs);
      peer.resume();
      return;
    case 'reboot':
      await peer.restart();
      return;
    case 'password-changed':
      await peer.restart('changed-on-the-camera');
      await sleep(holdMs);
      await peer.restart();
      return;
  }
}

/** Intervals when a camera was not streaming, from the samples. */
function outages(samples: Sample[], cam: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start: number | undefined;
  for (const s of samples) {
    const streaming = s.states.get(cam)?.state === 'streaming';
    if (!streaming && start === undefined) start = s.at;
    if (streaming && start !== undefined) {
      out.push({ start, end: s.at });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ start, end: samples.at(-1)!.at });
  return out;
}

type States = Map<string, { state: string; restarts: number }>;

/** One RTSP server per camera, each with digest auth, all serving the same H.264 clip. */
async function startPeers(dir: string): Promise<{ ids: string[]; peers: Map<string, RtspPeer> }> {
  const clip = h264Clip({
    input: path.join(repoRoot(), 'data/samples/vtest.avi'),
    dir,
    width: 320,
    height: 240,
    fps: 10,
    seconds: 20,
    repeat: Math.ceil(DURATION_MS / 20_000) + 6,
  });
  const ids = Array.from({ length: N }, (_, i) => `cam${i + 1}`);
  const peers = new Map<string, RtspPeer>();
  for (const id of ids)
    peers.set(
      id,
      await RtspPeer.start({ mounts: { live: clip }, user: 'vigil', password: 'right' }),
    );
  return { ids, peers };
}

function startDaemon(dir: string, ids: string[], peers: Map<string, RtspPeer>) {
  return BenchDaemon.start(dir, {
    inference: { strategy: 'full', inputWidth: 256, inputHeight: 192 },
    cameras: ids.map((id) => ({
      id,
      source: { url: peers.get(id)!.url('live') },
      analysis: { fps: 2, width: 320, height: 240 },
      watchdogSeconds: 5,
    })),
  });
}

/** What the poller saw: camera states every 250 ms, RSS and heap each minute, one heap snapshot. */
interface Watch {
  samples: Sample[];
  rssSeries: number[];
  heapSeries: number[];
  firstSnapshot: string | undefined;
  /** Stops polling once the current round is done. */
  stop(): Promise<void>;
}

/** Polls the daemon's cameras until stopped; takes the first heap snapshot at its minute. */
function watch(daemon: BenchDaemon, t0: number, rssStart: number, heapStart: number): Watch {
  const w: Watch = {
    samples: [],
    rssSeries: [rssStart],
    heapSeries: [heapStart],
    firstSnapshot: undefined,
    stop: async () => {
      polling = false;
      await poller;
    },
  };
  let polling = true;
  const snapshotAtMs = Number(values['heap-snapshot-at']) * 60_000;
  const poll = async (): Promise<States> =>
    new Map(
      [...(await daemon.cameras())].map(([id, c]) => [
        id,
        { state: c.state, restarts: c.restarts },
      ]),
    );
  const poller = (async () => {
    let lastRss = Date.now();
    while (polling) {
      if (!w.firstSnapshot && snapshotAtMs < DURATION_MS && Date.now() - t0 >= snapshotAtMs) {
        // The daemon's main thread stops while it writes: no sample is taken meanwhile.
        w.firstSnapshot = await daemon.heapSnapshot();
        process.stderr.write(`  heap snapshot: ${w.firstSnapshot}\n`);
      }
      // A poll the daemon did not answer counts as every camera down: uptime is what was seen.
      const s = await poll().catch((): States => new Map());
      w.samples.push({ at: Date.now(), states: s });
      if (Date.now() - lastRss >= 60_000) {
        lastRss = Date.now();
        w.rssSeries.push(Math.round(rssMB(daemon.pid)));
        w.heapSeries.push(await daemon.heapUsedMB().catch(() => Number.NaN));
      }
      await sleep(250);
    }
  })();
  return w;
}

/** A random fault on a random camera every EVERY_MS until 45 s before the end; all awaited. */
async function injectFaults(
  ids: string[],
  peers: Map<string, RtspPeer>,
  t0: number,
): Promise<Fault[]> {
  const random = seededRandom(Number(values.seed));
  const faults: Fault[] = [];
  const running: Promise<void>[] = [];
  for (let next = t0 + EVERY_MS / 2; next < t0 + DURATION_MS - 45_000; next += EVERY_MS) {
    await sleep(next - Date.now());
    const camera = ids[Math.floor(random() * N)]!;
    const kind = KINDS[Math.floor(random() * KINDS.length)]!;
    const holdMs = kind === 'reboot' ? 0 : 3000 + Math.round(random() * 7000);
    const fault: Fault = { camera, kind, startMs: Date.now(), endMs: 0 };
    faults.push(fault);
    process.stderr.write(`  +${Math.round((fault.startMs - t0) / 1000)}s ${kind} on ${camera}\n`);
    running.push(
      inject(peers.get(camera)!, kind, holdMs).then(() => void (fault.endMs = Date.now())),
    );
  }
  await sleep(t0 + DURATION_MS - Date.now());
  await Promise.all(running);
  return faults;
}

/** The second heap snapshot, diffed with the first: what grew most. */
async function heapChange(daemon: BenchDaemon, firstSnapshot: string | undefined, alive: boolean) {
  let heapDiff: ReturnType<typeof heapGrowth> = [];
  let heapTotals: number[] = [];
  if (firstSnapshot && alive) {
    const lastSnapshot = await daemon.heapSnapshot();
    const [a, b] = [heapGroups(firstSnapshot), heapGroups(lastSnapshot)];
    heapDiff = heapGrowth(a, b);
    heapTotals = [a, b].map((g) => Math.round(heapTotalBytes(g) / 2 ** 20));
  }
  return { heapDiff, heapTotals };
}

/** Per camera uptime, outages and the longest beyond the injected fault; worst recovery per kind. */
function summarise(samples: Sample[], faults: Fault[], ids: string[]) {
  const span = samples.at(-1)!.at - samples[0]!.at;
  const worstByKind: Record<string, number> = {};
  const perCamera = ids.map((id) => {
    const outs = outages(samples, id);
    const down = outs.reduce((a, o) => a + o.end - o.start, 0);
    let beyond = 0;
    for (const o of outs) {
      // Faults that overlap (or just precede) the outage; two faults can merge into one outage.
      const f = faults
        .filter((x) => x.camera === id && x.startMs <= o.end && x.endMs + 1000 >= o.start)
        .sort((a, b) => b.endMs - a.endMs)[0];
      const extra = f ? Math.max(0, o.end - f.endMs) : o.end - o.start;
      beyond = Math.max(beyond, extra);
      if (f) worstByKind[f.kind] = Math.max(worstByKind[f.kind] ?? 0, Math.round(extra / 100) / 10);
    }
    return {
      camera: id,
      uptimePct: Math.round((1000 * (span - down)) / span) / 10,
      faults: faults.filter((f) => f.camera === id).length,
      outages: outs.length,
      reconnects: samples.at(-1)!.states.get(id)?.restarts ?? 0,
      longestBeyondInjectedS: Math.round(beyond / 100) / 10,
    };
  });
  return { perCamera, worstByKind };
}

interface Report extends ReturnType<typeof summarise>, Awaited<ReturnType<typeof heapChange>> {
  faults: Fault[];
  rssStart: number;
  rssEnd: number;
  rssSeries: number[];
  heapSeries: number[];
  alive: boolean;
}

function printReport(r: Report): void {
  const { perCamera, worstByKind, heapDiff, heapTotals, rssStart, rssEnd, rssSeries } = r;
  process.stdout.write(
    `\n| camera | faults | outages | reconnects | uptime % | longest outage beyond the injected (s) |\n|---|---|---|---|---|---|\n`,
  );
  for (const c of perCamera)
    process.stdout.write(
      `| ${c.camera} | ${c.faults} | ${c.outages} | ${c.reconnects} | ${c.uptimePct} | ${c.longestBeyondInjectedS} |\n`,
    );
  process.stdout.write(
    `\nworst recovery after the fault ended, by kind (s): ${JSON.stringify(worstByKind)}\ndaemon RSS: ${rssStart} MB at start, ${rssEnd} MB at end (each minute: ${rssSeries.join(', ')}); main-thread JS heap each minute (MB): ${r.heapSeries.join(', ')}; daemon alive throughout: ${r.alive}\n`,
  );
  if (heapDiff.length) {
    process.stdout.write(
      `\nmain-thread heap snapshot at minute ${values['heap-snapshot-at']}: ${heapTotals[0]} MB, at the end: ${heapTotals[1]} MB; what grew most:\n| group | objects + | bytes + |\n|---|---|---|\n`,
    );
    for (const g of heapDiff)
      process.stdout.write(`| ${g.name.slice(0, 60)} | ${g.countDelta} | ${g.bytesDelta} |\n`);
  }
  process.stdout.write(
    JSON.stringify({
      bench: 'faults',
      cameras: N,
      minutes: Number(values.minutes),
      faults: r.faults.length,
      perCamera,
      worstRecoveryByKindS: worstByKind,
      rssStartMB: rssStart,
      rssEndMB: rssEnd,
      rssEachMinuteMB: rssSeries,
      heapUsedEachMinuteMB: r.heapSeries,
      heapSnapshotMB: heapTotals,
      heapGrowthTop: heapDiff.slice(0, 5),
      daemonAlive: r.alive,
    }) + '\n',
  );
}

async function main(): Promise<void> {
  const why = rtspPeerUnavailable();
  if (why) throw new Error(why);
  const dir = path.join(os.tmpdir(), 'vigil-bench-faults');
  mkdirSync(dir, { recursive: true });
  const { ids, peers } = await startPeers(dir);
  const daemon = await startDaemon(dir, ids, peers);
  // Ctrl-C or a kill of the bench takes its daemon and peers down with it.
  const cleanup = () => {
    void daemon.stop();
    void Promise.all([...peers.values()].map((p) => p.stop())).then(() => process.exit(130));
  };
  process.once('SIGINT', cleanup);
  process.once('SIGTERM', cleanup);
  await daemon.ready(ids);
  await sleep(10_000); // warm-up: model loaded, buffers allocated
  const rssStart = Math.round(rssMB(daemon.pid));
  const heapStart = await daemon.heapUsedMB();
  const t0 = Date.now();
  const w = watch(daemon, t0, rssStart, heapStart);
  process.stderr.write(
    `soak: ${N} cameras, ${values.minutes} min, a fault every ${values.every} s\n`,
  );
  const faults = await injectFaults(ids, peers, t0);
  await w.stop();
  const rssEnd = Math.round(rssMB(daemon.pid));
  w.rssSeries.push(rssEnd);
  const alive = daemon.alive;
  const heap = await heapChange(daemon, w.firstSnapshot, alive);
  await daemon.stop();
  await Promise.all([...peers.values()].map((p) => p.stop()));
  const { rssSeries, heapSeries } = w;
  const summary = summarise(w.samples, faults, ids);
  printReport({ ...summary, ...heap, faults, rssStart, rssEnd, rssSeries, heapSeries, alive });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:faults failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
