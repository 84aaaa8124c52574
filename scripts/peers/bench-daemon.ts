import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { sha256Hex } from '../../services/core/hashing';
import type { CameraStatus } from '../../services/core/camera-status';
import { repoRoot } from '../../services/core/package-info';
import { freePort } from './free-port';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The built daemon for benchmarks: a config of the benchmark's (cameras, inference) with an
 * embedded broker and the API on free ports, an admin token, started as `npm start` would.
 */
export class BenchDaemon {
  private constructor(
    readonly proc: ChildProcess,
    readonly apiPort: number,
    private readonly token: string,
    /** Where `heapSnapshot()` files land (node's --diagnostic-dir). */
    readonly runDir: string,
  ) {}

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  static async start(dir: string, config: Record<string, unknown>): Promise<BenchDaemon> {
    const run = mkdtempSync(path.join(dir, 'run-'));
    const token = randomBytes(12).toString('hex');
    const apiPort = await freePort();
    const file = path.join(run, 'site.yaml');
    writeFileSync(
      file,
      stringify({
        logLevel: 'warn',
        dataDir: path.join(run, 'data'),
        api: {
          host: '127.0.0.1',
          port: apiPort,
          tokens: [{ name: 'bench', role: 'admin', sha256: sha256Hex(token) }],
        },
        mqtt: { url: 'embedded', embeddedPort: await freePort() },
        ...config,
      }),
    );
    const proc = spawn(
      process.execPath,
      [
        // SIGUSR2 writes a heap snapshot of the main thread into the run directory.
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${run}`,
        path.join(repoRoot(), 'dist/services/main.js'),
        '--config',
        file,
      ],
      {
        cwd: repoRoot(),
        stdio: ['ignore', 'ignore', 'inherit'],
        // As `npm start` and the Dockerfiles run it: fewer glibc arenas for the worker threads, and
        // frame-sized buffers always mmapped, so freed frames go back to the OS.
        env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', ...process.env },
      },
    );
    const d = new BenchDaemon(proc, apiPort, token, run);
    process.once('exit', () => proc.kill('SIGKILL'));
    return d;
  }

  async cameras(): Promise<Map<string, CameraStatus>> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/api/cameras`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!res.ok) throw new Error(`/api/cameras answered ${res.status}`);
    const body = (await res.json()) as { cameras: CameraStatus[] };
    return new Map(body.cameras.map((c) => [c.id, c]));
  }

  /** The main thread's JS heap in use, MB, from the daemon's own /metrics (prom-client). */
  async heapUsedMB(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/metrics`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    const m = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(await res.text());
    if (!m) throw new Error('/metrics has no nodejs_heap_size_used_bytes');
    return Math.round(Number(m[1]) / 2 ** 20);
  }

  /**
   * Writes a heap snapshot of the daemon's main thread and answers its path. Node writes it
   * synchronously on the main thread, so once the API answers again after the file appeared, the
   * file is complete.
   */
  async heapSnapshot(timeoutMs = 120_000): Promise<string> {
    const before = new Set(readdirSync(this.runDir));
    this.proc.kill('SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await sleep(500);
      const file = readdirSync(this.runDir).find(
        (f) => f.endsWith('.heapsnapshot') && !before.has(f),
      );
      if (
        file &&
        (await this.cameras().then(
          () => true,
          () => false,
        ))
      )
        return path.join(this.runDir, file);
    }
    throw new Error('the daemon wrote no heap snapshot');
  }

  /** Waits until every camera streams and has analysed a frame (model loaded, workers up). */
  async ready(ids: string[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error('the daemon exited');
      const cams = await this.cameras().catch(() => undefined);
      if (cams && ids.every((id) => cams.get(id)?.state === 'streaming')) return;
      await sleep(250);
    }
    throw new Error(`cameras ${ids.join(', ')} never all streamed`);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
}
