import { ApiError, api, blobUrl } from './api.js';
import { fill, h } from './dom.js';
import type { Zone } from './types.js';
import type { TuneReport } from '../../services/core/contract.js';
import { ZoneOverlay } from './zone-overlay.js';
import type { ZoneSelection } from './zone-overlay.js';
import { concealmentFields, zoneFields } from './zone-form.js';
import type { Concealment } from './zone-form.js';
import { zoneDifferences } from './zone-changes.js';
import { tuneResult } from './tune-table.js';

interface RawConfig {
  cameras?: { id: string; zones?: Zone[] }[];
  behaviour?: { concealment?: Concealment };
  [key: string]: unknown;
}

/**
 * Zones of one camera drawn on its latest analysed frame. Drag a corner to move it (mouse, touch
 * or pen), drag an edge's midpoint to add a corner, tap a corner and then Delete corner under the
 * picture (or the Delete key) to remove it; arrow keys move the selected corner. Name, kind and
 * loitering thresholds per zone. Dry run shows what would change; Apply saves with If-Match, so an edit made meanwhile
 * (another integrator, a hand edit of the file) is explained and nothing is lost; Roll back
 * restores the previous version.
 */
export class ZoneEditor {
  readonly el = h('section', { class: 'editor', 'aria-label': 'Zone editor' });
  private readonly sel: ZoneSelection = { zones: [], selected: 0, corner: undefined };
  private saved = '';
  private etag = '';
  private readonly image = h('img', { class: 'frame', alt: 'Latest analysed frame of the camera' });
  private readonly overlay = new ZoneOverlay(this.sel, {
    moved: () => this.drawForm(),
    cornerDeleted: () => this.render(),
    refused: (text) => this.say(text, true),
    selected: () => this.updateTools(),
  });
  /** Under the picture, where a thumb is: what removes a corner or a zone on touch. */
  private readonly deleteCorner = h(
    'button',
    { type: 'button', disabled: true, onclick: () => this.overlay.deleteCorner() },
    'Delete corner',
  );
  private readonly deleteZone = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: () => {
        this.sel.zones.splice(this.sel.selected, 1);
        this.sel.selected = Math.max(0, this.sel.selected - 1);
        this.sel.corner = undefined;
        this.render();
      },
    },
    'Delete zone',
  );
  private readonly form = h('div', { class: 'zone-form' });
  private readonly list = h('div', { class: 'zone-list', role: 'tablist', 'aria-label': 'Zones' });
  private readonly result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
  /** The whole config as served (secrets redacted): concealment settings are site-wide. */
  private raw: RawConfig = {};
  private concealment: Concealment = {};
  private savedConcealment = '{}';
  private readonly site = h('fieldset', { class: 'site-form' });

  constructor(private readonly camera: string) {
    this.el.append(
      h('h2', {}, `Zones of ${camera}`),
      h('p', { class: 'hint' }, editorHint()),
      this.list,
      h('div', { class: 'stage' }, this.image, this.overlay.el),
      h('div', { class: 'actions corner-tools' }, this.deleteCorner, this.deleteZone),
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
    this.sel.zones = structuredClone(cam.zones ?? []);
    this.saved = JSON.stringify(this.sel.zones);
    this.sel.selected = Math.min(this.sel.selected, Math.max(0, this.sel.zones.length - 1));
    this.sel.corner = undefined;
    try {
      this.image.src = await blobUrl(`/api/cameras/${this.camera}/frame.jpg?zones=false`, true);
      await this.image.decode();
      this.overlay.size(this.image.naturalWidth, this.image.naturalHeight);
    } catch {
      this.overlay.size(4, 3);
      this.image.alt = 'No analysed frame yet: the camera has not streamed';
    }
    this.render();
  }

  /** Concealment thresholds: one setting for the whole site, applied at the next restart. */
  private drawSite(): void {
    fill(this.site, ...concealmentFields(this.concealment));
  }

  private get zone(): Zone | undefined {
    return this.sel.zones[this.sel.selected];
  }

  private render(): void {
    fill(
      this.list,
      ...this.sel.zones.map((z, i) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            'aria-selected': i === this.sel.selected ? 'true' : 'false',
            onclick: () => {
              this.sel.selected = i;
              this.sel.corner = undefined;
              this.render();
            },
          },
          z.name || z.id,
        ),
      ),
    );
    this.overlay.draw();
    this.drawForm();
    this.drawSite();
    this.updateTools();
  }

  private addZone(): void {
    let n = this.sel.zones.length + 1;
    while (this.sel.zones.some((z) => z.id === `zone-${n}`)) n++;
    this.sel.zones.push({
      id: `zone-${n}`,
      name: `Zone ${n}`,
      kind: 'general',
      polygon: [
        [0.4, 0.4],
        [0.6, 0.4],
        [0.6, 0.6],
        [0.4, 0.6],
      ],
      loitering: { enabled: true, dwellSeconds: 30, graceSeconds: 3 },
    });
    this.sel.selected = this.sel.zones.length - 1;
    this.render();
  }

  private drawForm(): void {
    const z = this.zone;
    if (!z) {
      fill(this.form, h('p', {}, 'This camera has no zones: Add zone.'));
      return;
    }
    fill(
      this.form,
      ...zoneFields(z, {
        renamed: (label) =>
          (this.list.children[this.sel.selected] as HTMLElement | undefined)?.replaceChildren(
            label,
          ),
        kindChanged: () => this.overlay.draw(),
      }),
    );
    this.updateTools();
  }

  /** Delete corner names the selected corner, and is off while none is selected. */
  private updateTools(): void {
    const corner = this.sel.corner;
    this.deleteCorner.disabled = corner === undefined || !this.zone;
    this.deleteCorner.textContent =
      corner === undefined ? 'Delete corner' : `Delete corner ${corner + 1}`;
    this.deleteZone.disabled = !this.zone;
  }

  /** What differs from the saved zones, in words. */
  private differences(): string[] {
    return zoneDifferences(JSON.parse(this.saved) as Zone[], this.sel.zones);
  }

  private async submit(dryRun: boolean): Promise<void> {
    const site = JSON.stringify(this.concealment) !== this.savedConcealment;
    const diff = [...this.differences(), ...(site ? ['the site-wide concealment thresholds'] : [])];
    const q = dryRun ? '?dryRun=true' : '';
    try {
      // Zones alone go through the camera's zones route; a site-wide change replaces the config.
      const raw = structuredClone(this.raw);
      const cam = raw.cameras?.find((c) => c.id === this.camera);
      if (cam) cam.zones = this.sel.zones;
      raw.behaviour = { ...raw.behaviour, concealment: this.concealment };
      const { body, headers } = await api<{
        etag: string;
        change: { cameras: { id: string; change: string }[]; restartRequired: string[] };
      }>(site ? `/api/config${q}` : `/api/cameras/${this.camera}/zones${q}`, {
        method: 'PUT',
        json: site ? raw : { zones: this.sel.zones },
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
      this.saved = JSON.stringify(this.sel.zones);
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
    if (cam) cam.zones = this.sel.zones;
    raw.behaviour = { ...raw.behaviour, concealment: this.concealment };
    this.say('Replaying the recorded poses of the last 7 days…');
    try {
      const { body } = await api<TuneReport>('/api/tune', {
        method: 'POST',
        json: { since: '7d', config: raw },
      });
      fill(this.result, ...tuneResult(body, this.camera));
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

/** What removes a corner here: on touch the button under the picture; with a keyboard, the key too. */
export function editorHint(coarse = matchMedia('(pointer: coarse)').matches): string {
  const move = 'Drag a corner to move it; drag the small dot on an edge to add a corner; ';
  return coarse
    ? `${move}tap a corner, then Delete corner under the picture to remove it.`
    : `${move}select a corner, then Delete corner under the picture (or the Delete key) to remove it.`;
}
