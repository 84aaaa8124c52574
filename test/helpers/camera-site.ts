import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { h264Clip } from '../../scripts/peers/h264-clip';
import { sha256Hex } from '../../services/core/hashing';
import { requireVtest } from './media';
import { TEST_CLERK_USER } from './broker';

/** The camera tests' admin token (stored in the legacy sha256 form): tests read the API with it. */
export const TOKEN = 'demo-admin';
const TOKEN_SHA = sha256Hex(TOKEN);

/** vtest.avi as small H.264 for the RTSP peer; `seconds` of it, repeated `repeat` times. */
export function peerClip(dir: string, seconds = 20, repeat = 10): string {
  return h264Clip({
    input: requireVtest(),
    dir,
    width: 320,
    height: 240,
    fps: 10,
    seconds,
    repeat,
  });
}

/**
 * A daemon config for camera tests: cheap inference (whole frame, small input, 2 fps) so the
 * CPU goes to what is under test, the embedded broker, the API with the demo token.
 */
export function cameraSite(
  dir: string,
  ports: { mqtt: number; api: number },
  cameras: { id: string; url: string; offlineAlertSeconds?: number }[],
  watchdogSeconds = 4,
): string {
  const config = {
    logLevel: 'info',
    dataDir: path.join(dir, 'data'),
    api: {
      host: '127.0.0.1',
      port: ports.api,
      tokens: [{ name: 't', role: 'admin', sha256: TOKEN_SHA }],
    },
    mqtt: { url: 'embedded', embeddedPort: ports.mqtt, users: [TEST_CLERK_USER] },
    inference: { strategy: 'full', inputWidth: 256, inputHeight: 192 },
    cameras: cameras.map((c) => ({
      id: c.id,
      name: c.id,
      source: { url: c.url },
      analysis: { fps: 2, width: 320, height: 240 },
      watchdogSeconds,
      offlineAlertSeconds: c.offlineAlertSeconds ?? 60,
    })),
  };
  const file = path.join(dir, 'site.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export interface CamView {
  id: string;
  state: string;
  framesIn: number;
  restarts: number;
  lastError: { code: string; message: string; at: string; stderr: string[] } | null;
}

/** GET /api/cameras, keyed by id. */
export async function cameraViews(apiPort: number): Promise<Map<string, CamView>> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/cameras`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (!res.ok) throw new Error(`/api/cameras answered ${res.status}`);
  const body = (await res.json()) as { cameras: CamView[] };
  return new Map(body.cameras.map((c) => [c.id, c]));
}

/**
 * Polls the API every 250 ms and keeps every view, so a test can check afterwards that a
 * camera's frame counter never stood still for longer than a window, and see state history.
 */
export class CameraMonitor {
  readonly samples: { at: number; cams: Map<string, CamView> }[] = [];
  /** Polls the API did not answer: a test can require none (a frozen daemon answers nothing). */
  readonly failures: { at: number; error: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly apiPort: number) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      cameraViews(this.apiPort)
        .then((cams) => this.samples.push({ at: Date.now(), cams }))
        .catch((err: unknown) =>
          this.failures.push({
            at: Date.now(),
            error: err instanceof Error ? err.message : String(err),
          }),
        )
        .finally(() => (this.busy = false));
    }, 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  latest(id: string): CamView | undefined {
    return this.samples.at(-1)?.cams.get(id);
  }

  /** When `id` was first seen in `state` at or after `sinceMs`. */
  firstSeen(id: string, state: string, sinceMs = 0): number | undefined {
    return this.samples.find((s) => s.at >= sinceMs && s.cams.get(id)?.state === state)?.at;
  }

  /**
   * The longest time from `sinceMs` that `id`'s frame counter was not seen moving: it stood still
   * between samples, or no sample came at all (a failed or delayed poll proves nothing, so the
   * gap counts).
   */
  longestFreezeMs(id: string, sinceMs = 0): number {
    let longest = 0;
    let lastChange: { at: number; frames: number } | undefined;
    let prevAt: number | undefined;
    for (const s of this.samples) {
      if (s.at < sinceMs) continue;
      if (prevAt !== undefined) longest = Math.max(longest, s.at - prevAt);
      prevAt = s.at;
      const frames = s.cams.get(id)?.framesIn ?? 0;
      if (!lastChange || frames !== lastChange.frames) lastChange = { at: s.at, frames };
      else longest = Math.max(longest, s.at - lastChange.at);
    }
    return longest;
  }

  states(id: string): string[] {
    const out: string[] = [];
    for (const s of this.samples) {
      const st = s.cams.get(id)?.state;
      if (st && out.at(-1) !== st) out.push(st);
    }
    return out;
  }
}
