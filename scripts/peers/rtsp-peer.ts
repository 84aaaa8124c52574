import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../services/core/package-info';
import { freePort } from './free-port';

/** Debian's GStreamer bindings belong to the system Python, not to a python3 earlier on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface RtspPeerOptions {
  /** mount name -> an H.264 .mp4 file (see h264-clip.ts), or `pattern` for a live test pattern. */
  mounts: Record<string, string>;
  user?: string;
  password?: string;
  port?: number;
}

/** Why the peer cannot run here, or undefined when it can (tests skip with this message). */
/** What installs the RTSP peer's parts on Debian. */
export const RTSP_PEER_INSTALL =
  'apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-{base,good,bad,ugly}';

export function rtspPeerUnavailable(): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} is missing`;
  const r = spawnSync(SYSTEM_PYTHON, [
    '-c',
    'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer',
  ]);
  return r.status === 0
    ? undefined
    : `GStreamer's RTSP server bindings: ${r.stderr.toString().trim().split('\n').at(-1)}`;
}

/**
 * Drives scripts/peers/rtsp-server.py, a real RTSP server (GStreamer) on loopback, and injects
 * its faults: kill, pause (SIGSTOP), resume, restart on the same port.
 */
export class RtspPeer {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The password the server checks now (a camera whose password was changed on it). */
  private servingPassword: string | undefined;

  private constructor(
    readonly port: number,
    private readonly opts: RtspPeerOptions,
  ) {}

  static async start(opts: RtspPeerOptions): Promise<RtspPeer> {
    const peer = new RtspPeer(opts.port ?? (await freePort()), opts);
    await peer.launch();
    return peer;
  }

  /** rtsp://[user:password@]127.0.0.1:port/mount; `creds` overrides the peer's own. */
  url(mount: string, creds?: { user: string; password: string } | null): string {
    const c =
      creds === null
        ? undefined
        : (creds ??
          (this.opts.user
            ? { user: this.opts.user, password: this.opts.password ?? '' }
            : undefined));
    const auth = c ? `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@` : '';
    return `rtsp://${auth}127.0.0.1:${this.port}/${mount}`;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private async launch(): Promise<void> {
    const script = path.join(repoRoot(), 'scripts/peers/rtsp-server.py');
    const args = [script, '--port', String(this.port)];
    for (const [name, source] of Object.entries(this.opts.mounts))
      args.push('--mount', `${name}=${source}`);
    if (this.opts.user)
      args.push(
        '--user',
        this.opts.user,
        '--password',
        this.servingPassword ?? this.opts.password ?? '',
      );
    const proc = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => reject(new Error(`RTSP peer did not start: ${why}\n${stderr}`));
      const timer = setTimeout(() => fail('no READY within 10 s'), 10_000);
      proc.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(`exited with ${code}`);
      });
    });
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = undefined;
    });
  }

  /** SIGKILL: a camera losing power. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
    await this.exited;
    this.proc = undefined;
  }

  /** SIGSTOP: a hung camera; connections stay open and nothing arrives. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  /**
   * Starts again on the same port (a rebooted camera). With `password`, the server checks that
   * one from now on (someone changed the camera's password); without, the original again.
   */
  async restart(password?: string): Promise<void> {
    await this.kill();
    this.servingPassword = password;
    await this.launch();
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
    this.proc = undefined;
  }
}
