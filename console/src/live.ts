import { token } from './api.js';

export type LiveState = 'connecting' | 'live' | 'lost';

/**
 * The daemon's live channel (GET /api/events, Server-Sent Events) read with fetch, so the token
 * travels in the Authorization header, never in a URL. Reconnects on its own (1 s, doubling to
 * 15 s); `onState` tells the page when it is lost and when it is back.
 */
export class Live {
  private abort: AbortController | undefined;
  private stopped = false;
  private retryMs = 1000;

  constructor(
    private readonly onEvent: (type: string, data: unknown) => void,
    private readonly onState: (s: LiveState) => void,
    /** A refused token ends the channel (the page shows the login again). */
    private readonly onUnauthorized: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.onState('connecting');
      try {
        await this.read();
      } catch {
        // network gone, daemon restarting: retried below
      }
      if (this.stopped) return;
      this.onState('lost');
      await new Promise((r) => setTimeout(r, this.retryMs));
      this.retryMs = Math.min(15_000, this.retryMs * 2);
    }
  }

  private async read(): Promise<void> {
    this.abort = new AbortController();
    const res = await fetch('/api/events', {
      headers: { authorization: `Bearer ${token.get() ?? ''}`, accept: 'text/event-stream' },
      signal: this.abort.signal,
      cache: 'no-store',
    });
    if (res.status === 401) {
      this.stopped = true;
      this.onUnauthorized();
      return;
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    // A silent channel for 40 s (heartbeats come every 15 s) is a dead one.
    let watchdog = setTimeout(() => this.abort?.abort(), 40_000);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => this.abort?.abort(), 40_000);
        buf += value;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          this.dispatch(block);
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  private dispatch(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) type = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    if (type === 'hello') {
      this.retryMs = 1000;
      this.onState('live');
    }
    try {
      this.onEvent(type, JSON.parse(data.join('\n')));
    } catch {
      // a malformed event is skipped, the channel stays
    }
  }
}
