import { ApiError, api, blobUrl } from './api.js';
import { fill, h } from './dom.js';
import type { Zone } from './types.js';
import type { TuneReport, TuneRow } from '../../services/core/contract.js';

const SVG = 'http://www.w3.org/2000/svg';

interface Concealment {
  enabled?: boolean;
  windowSeconds?: number;
  holdSeconds?: number;
}
interface RawConfig {
  cameras?: { id: string; zones?: Zone[] }[];
  behaviour?: { concealment?: Concealment };
  [key: string]: unknown;
}
const KINDS = ['general', 'shelf', 'checkout', 'exit', 'restricted'];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

/**
 * Zones of one camera drawn on its latest analysed frame. Drag a corner to move it (mouse, touch
 * or pen), drag an edge's midpoint to add a corner, select a corner and press Delete (or the
 * button) to remove it; arrow keys move the selected corner. Name, kind and loitering thresholds
 * per zone. Dry run shows what would change; Apply saves with If-Match, so an edit made meanwhile
 * (another integrator, a hand edit of the file) is explained and nothing is lost; Roll back
 * restores the previous version.
 */
export class ZoneEditor {
  readonly el = h('section', { class: 'editor', 'aria-label': 'Zone editor' });
  private zones: Zone[] = [];
  private saved = '';
  private etag = '';
  private selected = 0;
  private corner: number | undefined;
  private readonly image = h('img', { class: 'frame', alt: 'Latest analysed frame of the camera' });
  private readonly overlay = svg('svg', {
    class: 'overlay',
    role: 'group',
    'aria-label': 'Zone corners',
  });
  private readonly form = h('div', { class: 'zone-form' });
  private readonly list = h('div', { class: 'zone-list', role: 'tablist', 'aria-label': 'Zones' });
  private readonly result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
  private w = 1;
  private hgt = 1;
  /** The whole config as served (secrets redacted): concealment settings are site-wide. */
  private raw: RawConfig = {};
  private concealment: Concealment = {};
  private savedConcealment = '{}';
  private readonly site = h('fieldset', { class: 'site-form' });

  constructor(private readonly camera: string) {
    this.el.append(
      h('h2', {}, `Zones of ${camera}`),
      h(
        'p',
        { class: 'hint' },
        'Drag a corner to move it; drag the small dot on an edge to add a corner; select a corner and press Delete to remove it.',
      ),
      this.list,
      h('div', { class: 'stage' }, this.image, this.overlay),
      this.form,
      this.site,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => this.addZone() }, 'Add zone'),
        h('button', { type: 'button', onclick: () => void this.submit(true) }, 'Dry run'),
        h('button', { type: 'button', onclick: () => void this.replay() }, 'Replay last 7 days'),
        h(
          'button',
          { type: 'button', class: 'primary', onclick: () => void this.submit(false) },
          'Apply',
        ),
        h('button', { type: 'button', onclick: () => void this.rollback() }, 'Roll back'),
        h('button', { type: 'button', onclick: () => void this.load() }, 'Reload'),
      ),
      this.result,
    );
    this.overlay.addEventListener('keydown', (e) => this.onKey(e));
  }

  async load(): Promise<void> {
    const { body, headers } = await api<{ etag: string; config: RawConfig }>('/api/config');
    this.etag = headers.get('etag') ?? body.etag;
    // The whole file as served: a site-wide change (or a replay) sends it back with these zones.
    this.raw = body.config;
    this.concealment = structuredClone(body.config.behaviour?.concealment ?? {});
    this.savedConcealment = JSON.stringify(this.concealment);
    const cam = body.config.cameras?.find((c) => c.id === this.camera);
    if (!cam) throw new ApiError(404, 'VIGIL_ERR_NOT_FOUND', `no camera ${this.camera}`);
    this.zones = structuredClone(cam.zones ?? []);
    this.saved = JSON.stringify(this.zones);
    this.selected = Math.min(this.selected, Math.max(0, this.zones.length - 1));
    this.corner = undefined;
    try {
      this.image.src = await blobUrl(`/api/cameras/${this.camera}/frame.jpg?zones=false`, true);
      await this.image.decode();
      this.w = this.image.naturalWidth;
      this.hgt = this.image.naturalHeight;
    } catch {
      this.w = 4;
      this.hgt = 3;
      this.image.alt = 'No analysed frame yet: the camera has not streamed';
    }
    this.overlay.setAttribute('viewBox', `0 0 ${this.w} ${this.hgt}`);
    this.render();
  }

  /** Concealment thresholds: one setting for the whole site, applied at the next restart. */
  private drawSite(): void {
    const c = this.concealment;
    const num = (
      label: string,
      value: number | undefined,
      def: number,
      set: (v: number) => void,
    ) => {
      const i = h('input', {
        type: 'number',
        value: value ?? def,
        min: 0.1,
        max: 60,
        step: 'any',
        inputmode: 'decimal',
      });
      i.addEventListener('change', () => set(Number(i.value)));
      return h('label', {}, h('span', {}, label), i);
    };
    const enabled = h('input', { type: 'checkbox', checked: c.enabled !== false });
    enabled.addEventListener('change', () => (c.enabled = enabled.checked));
    fill(
      this.site,
      h('legend', {}, 'Concealment, whole site (applies at the next restart)'),
      h('label', {}, h('span', {}, 'Concealment alert'), enabled),
      num('Hand to body within (s)', c.windowSeconds, 3, (v) => (c.windowSeconds = v)),
      num('Held there for (s)', c.holdSeconds, 1, (v) => (c.holdSeconds = v)),
    );
  }

  private get zone(): Zone | undefined {
    return this.zones[this.selected];
  }

  private render(): void {
    fill(
      this.list,
      ...this.zones.map((z, i) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            'aria-selected': i === this.selected ? 'true' : 'false',
            onclick: () => {
              this.selected = i;
              this.corner = undefined;
              this.render();
            },
          },
          z.name || z.id,
        ),
      ),
    );
    this.drawOverlay();
    this.drawForm();
    this.drawSite();
  }

  private px(p: [number, number]): [number, number] {
    return [p[0] * this.w, p[1] * this.hgt];
  }

  private drawOverlay(): void {
    this.overlay.replaceChildren();
    const r = Math.max(this.w, this.hgt) / 60;
    this.zones.forEach((z, zi) => {
      const pts = z.polygon.map((p) => this.px(p).join(',')).join(' ');
      this.overlay.append(
        svg('polygon', {
          points: pts,
          class: `zone kind-${z.kind}${zi === this.selected ? ' selected' : ''}`,
        }),
      );
    });
    const z = this.zone;
    if (!z) return;
    z.polygon.forEach((p, i) => {
      const q = z.polygon[(i + 1) % z.polygon.length]!;
      const [mx, my] = this.px([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2]);
      const mid = svg('circle', { cx: mx, cy: my, r: r * 0.6, class: 'midpoint', 'data-edge': i });
      mid.addEventListener('pointerdown', (e) => {
        z.polygon.splice(i + 1, 0, [round((p[0] + q[0]) / 2), round((p[1] + q[1]) / 2)]);
        this.corner = i + 1;
        this.drawOverlay();
        this.drag(e, i + 1);
      });
      this.overlay.append(mid);
    });
    z.polygon.forEach((p, i) => {
      const [x, y] = this.px(p);
      const c = svg('circle', {
        cx: x,
        cy: y,
        r,
        class: `corner${i === this.corner ? ' active' : ''}`,
        tabindex: 0,
        role: 'button',
        'aria-label': `Corner ${i + 1} of ${z.name || z.id} at ${Math.round(p[0] * 100)} %, ${Math.round(p[1] * 100)} %`,
        'data-corner': i,
      });
      c.addEventListener('pointerdown', (e) => this.drag(e, i));
      c.addEventListener('focus', () => (this.corner = i));
      this.overlay.append(c);
    });
  }

  /** Follows one pointer from a corner until it is released. */
  private drag(e: PointerEvent, i: number): void {
    e.preventDefault();
    const z = this.zone!;
    this.corner = i;
    const target = e.target as Element;
    target.setPointerCapture?.(e.pointerId);
    const box = this.overlay.getBoundingClientRect();
    const move = (ev: PointerEvent) => {
      z.polygon[i] = [
        round((ev.clientX - box.left) / box.width),
        round((ev.clientY - box.top) / box.height),
      ];
      this.drawOverlay();
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      this.drawForm();
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  private onKey(e: KeyboardEvent): void {
    const z = this.zone;
    if (!z || this.corner === undefined) return;
    const step = e.shiftKey ? 0.02 : 0.005;
    const p = z.polygon[this.corner]!;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (e.key === 'Delete' || e.key === 'Backspace') this.deleteCorner();
    else if (moves[e.key])
      z.polygon[this.corner] = [round(p[0] + moves[e.key]![0]), round(p[1] + moves[e.key]![1])];
    else return;
    e.preventDefault();
    const keep = this.corner;
    this.drawOverlay();
    (this.overlay.querySelector(`[data-corner="${keep}"]`) as SVGElement | null)?.focus();
  }

  private deleteCorner(): void {
    const z = this.zone;
    if (!z || this.corner === undefined) return;
    if (z.polygon.length <= 3) {
      this.say('A zone needs at least 3 corners.', true);
      return;
    }
    z.polygon.splice(this.corner, 1);
    this.corner = undefined;
    this.render();
  }

  private addZone(): void {
    let n = this.zones.length + 1;
    while (this.zones.some((z) => z.id === `zone-${n}`)) n++;
    this.zones.push({
      id: `zone-${n}`,
      name: `Zone ${n}`,
      kind: 'general',
      polygon: [
        [0.4, 0.4],
        [0.6, 0.4],
        [0.6, 0.6],
        [0.4, 0.6],
      ],
      loitering: { enabled: true, dwellSeconds: 30, graceSeconds: 2 },
    });
    this.selected = this.zones.length - 1;
    this.render();
  }

  private drawForm(): void {
    const z = this.zone;
    if (!z) {
      fill(this.form, h('p', {}, 'This camera has no zones: Add zone.'));
      return;
    }
    const l = (z.loitering ??= {});
    const field = (label: string, input: HTMLElement) =>
      h('label', {}, h('span', {}, label), input);
    const num = (value: number, min: number, max: number, set: (v: number) => void) => {
      const i = h('input', { type: 'number', value, min, max, step: 'any', inputmode: 'decimal' });
      i.addEventListener('change', () => set(Number(i.value)));
      return i;
    };
    const name = h('input', { type: 'text', value: z.name, maxlength: 120 });
    name.addEventListener('input', () => {
      z.name = name.value;
      (this.list.children[this.selected] as HTMLElement | undefined)?.replaceChildren(
        z.name || z.id,
      );
    });
    const kind = h(
      'select',
      {},
      ...KINDS.map((k) => h('option', { value: k, selected: k === z.kind }, k)),
    );
    kind.addEventListener('change', () => {
      z.kind = kind.value;
      this.drawOverlay();
    });
    const enabled = h('input', { type: 'checkbox', checked: l.enabled !== false });
    enabled.addEventListener('change', () => (l.enabled = enabled.checked));
    fill(
      this.form,
      field('Name', name),
      field('Kind', kind),
      field('Loitering alert', enabled),
      field(
        'Dwell seconds',
        num(l.dwellSeconds ?? 30, 1, 3600, (v) => (l.dwellSeconds = v)),
      ),
      field(
        'Grace seconds',
        num(l.graceSeconds ?? 2, 0, 60, (v) => (l.graceSeconds = v)),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => this.deleteCorner() }, 'Delete corner'),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: () => {
              this.zones.splice(this.selected, 1);
              this.selected = Math.max(0, this.selected - 1);
              this.render();
            },
          },
          'Delete zone',
        ),
      ),
    );
  }

  /** What differs from the saved zones, in words. */
  private differences(): string[] {
    const before = JSON.parse(this.saved) as Zone[];
    const out: string[] = [];
    for (const z of this.zones) {
      const b = before.find((x) => x.id === z.id);
      if (!b) out.push(`adds zone ${z.name || z.id}`);
      else if (JSON.stringify(b) !== JSON.stringify(z)) {
        const what = [];
        if (JSON.stringify(b.polygon) !== JSON.stringify(z.polygon))
          what.push(`its shape (${b.polygon.length} → ${z.polygon.length} corners)`);
        if (b.name !== z.name) what.push(`its name`);
        if (b.kind !== z.kind) what.push(`its kind (${b.kind} → ${z.kind})`);
        if (JSON.stringify(b.loitering) !== JSON.stringify(z.loitering))
          what.push('its loitering thresholds');
        out.push(`changes ${z.name || z.id}: ${what.join(', ') || 'settings'}`);
      }
    }
    for (const b of before)
      if (!this.zones.some((z) => z.id === b.id)) out.push(`removes zone ${b.name || b.id}`);
    return out;
  }

  private async submit(dryRun: boolean): Promise<void> {
    const site = JSON.stringify(this.concealment) !== this.savedConcealment;
    const diff = [...this.differences(), ...(site ? ['the site-wide concealment thresholds'] : [])];
    const q = dryRun ? '?dryRun=true' : '';
    try {
      // Zones alone go through the camera's zones route; a site-wide change replaces the config.
      const raw = structuredClone(this.raw);
      const cam = raw.cameras?.find((c) => c.id === this.camera);
      if (cam) cam.zones = this.zones;
      raw.behaviour = { ...raw.behaviour, concealment: this.concealment };
      const { body, headers } = await api<{
        etag: string;
        change: { cameras: { id: string; change: string }[]; restartRequired: string[] };
      }>(site ? `/api/config${q}` : `/api/cameras/${this.camera}/zones${q}`, {
        method: 'PUT',
        json: site ? raw : { zones: this.zones },
        headers: { 'if-match': this.etag },
      });
      const restart = body.change.restartRequired.length
        ? ` Needs a restart of the daemon: ${body.change.restartRequired.join(', ')}.`
        : '';
      const live = body.change.cameras.length
        ? ' The camera uses the new zones at once, without a restart.'
        : '';
      if (dryRun) {
        this.say(
          diff.length
            ? `Would save: ${diff.join('; ')}.${live}${restart}`
            : 'Nothing would change.',
        );
        return;
      }
      this.etag = headers.get('etag') ?? body.etag;
      this.saved = JSON.stringify(this.zones);
      this.savedConcealment = JSON.stringify(this.concealment);
      this.raw = raw;
      this.say(
        diff.length ? `Saved: ${diff.join('; ')}.${live}${restart}` : 'Saved (nothing changed).',
      );
    } catch (err) {
      this.explain(err);
    }
  }

  /** The candidate (these zones and thresholds) against the current config on a week of recordings. */
  private async replay(): Promise<void> {
    const raw = structuredClone(this.raw);
    const cam = raw.cameras?.find((c) => c.id === this.camera);
    if (cam) cam.zones = this.zones;
    raw.behaviour = { ...raw.behaviour, concealment: this.concealment };
    this.say('Replaying the recorded poses of the last 7 days…');
    try {
      const { body } = await api<TuneReport>('/api/tune', {
        method: 'POST',
        json: { since: '7d', config: raw },
      });
      const rows = body.rows.filter((r) => r.camera === this.camera);
      const cells = (r: TuneRow) => [
        r.zone,
        r.rule,
        r.current,
        r.candidate,
        r.vanish,
        r.appear,
        `${r.confirmed.kept}/${r.confirmed.total}`,
        `${r.falseAlarms.removed}/${r.falseAlarms.total}`,
      ];
      const head = [
        'Zone',
        'Rule',
        'Now',
        'With these',
        'Vanish',
        'New',
        'Confirmed kept',
        'False alarms removed',
      ];
      fill(
        this.result,
        h(
          'p',
          { class: 'ok' },
          `${body.frames} recorded frames since ${new Date(body.since).toLocaleString()}:`,
        ),
        rows.length === 0
          ? h('p', {}, 'No alert with either setting.')
          : h(
              'table',
              { class: 'tune', tabindex: 0, 'aria-label': 'What these zones would have changed' },
              h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                {},
                ...rows.map((r) => h('tr', {}, ...cells(r).map((c) => h('td', {}, c)))),
              ),
            ),
      );
    } catch (err) {
      this.explain(err);
    }
  }

  private async rollback(): Promise<void> {
    try {
      await api('/api/config/rollback', { method: 'POST', headers: { 'if-match': this.etag } });
      await this.load();
      this.say('Rolled back to the previous version.');
    } catch (err) {
      this.explain(err);
    }
  }

  private explain(err: unknown): void {
    if (!(err instanceof ApiError)) return this.say('Not sent: no connection to the daemon.', true);
    if (err.code === 'VIGIL_ERR_PRECONDITION_FAILED') {
      fill(
        this.result,
        h(
          'p',
          { class: 'error' },
          'The configuration changed since you opened it (another integrator, or a hand edit of the file). Your zones are still here, not saved.',
        ),
        h(
          'button',
          { type: 'button', onclick: () => void this.load() },
          'Discard mine, load theirs',
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              const { headers, body } = await api<{ etag: string }>('/api/config');
              this.etag = headers.get('etag') ?? body.etag;
              await this.submit(false);
            },
          },
          'Apply mine over theirs',
        ),
      );
      return;
    }
    const details = err.details.map((d) => `${d.path}: ${d.message}`);
    this.say(`${err.message}${details.length ? ` (${details.join('; ')})` : ''}`, true);
  }

  private say(text: string, error = false): void {
    fill(this.result, h('p', { class: error ? 'error' : 'ok' }, text));
  }
}
