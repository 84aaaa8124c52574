import { ApiError, api, blobUrl } from './api.js';
import { addCameraForm } from './add-camera-form.js';
import { append, fill, h } from './dom.js';
import type { SnoozeView } from '../../services/core/contract.js';
import type { CameraState } from './types.js';

interface Device {
  xaddrs: string[];
  address: string;
  name: string | null;
  hardware: string | null;
  device: { manufacturer?: string; model?: string } | null;
  error: { code: string; message: string } | null;
}

/** Cameras with their state and live frame, the snoozes in force, adding a camera by URL, ONVIF discovery. */
export class IntegratorView {
  readonly el = h('section', { class: 'integrator', 'aria-label': 'Cameras' });
  private readonly cams = h('div', { class: 'cams' });
  private readonly snoozes = h('div', { class: 'snoozes' });
  private readonly found = h('div', { class: 'found', role: 'status', 'aria-live': 'polite' });
  private readonly timer = setInterval(() => void this.refreshFrames(), 3000);
  private names = new Map<string, string>();

  constructor(private readonly isAdmin: boolean) {
    append(this.el, [
      h('h2', {}, 'Cameras'),
      this.cams,
      h('h2', {}, 'Snoozes in force'),
      this.snoozes,
      isAdmin ? addCameraForm(() => this.load()) : null,
      isAdmin ? this.discoveryForm() : null,
    ]);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  async load(): Promise<void> {
    const [{ body: cams }, { body: config }] = await Promise.all([
      api<{ cameras: CameraState[] }>('/api/cameras'),
      api<{ config: { cameras?: { id: string; name?: string }[] } }>('/api/config'),
    ]);
    this.names = new Map((config.config.cameras ?? []).map((c) => [c.id, c.name || c.id]));
    this.showCameras(cams.cameras);
    await this.loadSnoozes();
    await this.refreshFrames();
  }

  /** The live channel's camera states, every 2 s. */
  onStatus(states: CameraState[]): void {
    for (const s of states) {
      const row = this.cams.querySelector(`[data-camera="${s.id}"] .state`);
      if (row) fill(row, ...this.stateLine(s));
    }
  }

  private stateLine(s: CameraState): (string | HTMLElement)[] {
    return [
      h(
        'span',
        { class: `pill state-${s.state}${s.degraded ? ' degraded' : ''}` },
        s.degraded ? `${s.state}, degraded` : s.state,
      ),
      s.degraded && s.degradedDetail
        ? h('span', { class: 'degraded-detail', role: 'status' }, ` ${s.degradedDetail}`)
        : '',
      ` ${s.analysedFps.toFixed(1)} fps analysed, model ${s.modelFps.toFixed(1)} fps`,
      s.tamper ? h('span', { class: 'pill tamper', role: 'status' }, ` tampered: ${s.tamper}`) : '',
      s.lastError
        ? h(
            'span',
            { class: 'last-error' },
            ` · last error ${s.lastError.code}: ${s.lastError.message}`,
          )
        : '',
    ];
  }

  private showCameras(states: CameraState[]): void {
    fill(
      this.cams,
      ...states.map((s) =>
        h(
          'article',
          { class: 'cam', 'data-camera': s.id },
          h('h3', {}, this.names.get(s.id) ?? s.id),
          h('p', { class: 'state' }, ...this.stateLine(s)),
          h('img', {
            class: 'live',
            alt: `Live frame of ${this.names.get(s.id) ?? s.id}`,
            width: 320,
            height: 240,
          }),
          this.isAdmin ? h('a', { class: 'button', href: `#/zones/${s.id}` }, 'Edit zones') : null,
        ),
      ),
    );
  }

  private async refreshFrames(): Promise<void> {
    if (document.hidden || !this.el.isConnected) return;
    for (const img of this.cams.querySelectorAll<HTMLImageElement>('img.live')) {
      const id = img.closest<HTMLElement>('[data-camera]')?.dataset.camera;
      if (!id) continue;
      try {
        img.src = await blobUrl(`/api/cameras/${id}/frame.jpg`, true);
      } catch {
        img.alt = 'No analysed frame yet';
      }
    }
  }

  private async loadSnoozes(): Promise<void> {
    const { body } = await api<{ snoozes: SnoozeView[] }>('/api/snoozes');
    fill(
      this.snoozes,
      body.snoozes.length === 0
        ? h('p', {}, 'Nothing is silenced.')
        : h(
            'ul',
            {},
            ...body.snoozes.map((s) =>
              h(
                'li',
                {},
                `${this.names.get(s.camera) ?? s.camera} · ${s.zone} · ${s.rule}: silenced by ${s.by} until ${new Date(s.until).toLocaleTimeString()} `,
                this.isAdmin
                  ? h(
                      'button',
                      {
                        type: 'button',
                        onclick: async () => {
                          await api(`/api/snoozes/${s.camera}/${s.zone}/${s.rule}`, {
                            method: 'DELETE',
                          });
                          await this.loadSnoozes();
                        },
                      },
                      'Cancel snooze',
                    )
                  : null,
              ),
            ),
          ),
    );
  }

  private discoveryForm(): HTMLElement {
    const iface = h('input', {
      type: 'text',
      name: 'interface',
      placeholder: 'e.g. eth0 (empty: all)',
      autocomplete: 'off',
    });
    const user = h('input', { type: 'text', name: 'username', autocomplete: 'off' });
    const pass = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
    const form = h(
      'form',
      { class: 'discover' },
      h('h2', {}, 'Find ONVIF cameras'),
      h('label', {}, h('span', {}, 'Network interface'), iface),
      h('label', {}, h('span', {}, 'Camera user name'), user),
      h('label', {}, h('span', {}, 'Camera password'), pass),
      h('button', { type: 'submit', class: 'primary' }, 'Search the network'),
      this.found,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.discover(iface.value.trim(), user.value, pass.value);
    });
    return form;
  }

  private async discover(iface: string, username: string, password: string): Promise<void> {
    fill(this.found, h('p', {}, 'Searching for 3 s…'));
    const creds = username && password ? { username, password } : {};
    try {
      const { body } = await api<{ devices: Device[] }>('/api/discovery', {
        method: 'POST',
        json: { timeoutSeconds: 3, ...(iface ? { interface: iface } : {}), ...creds },
      });
      if (body.devices.length === 0)
        return fill(this.found, h('p', {}, 'No ONVIF camera answered.'));
      fill(
        this.found,
        h('ul', {}, ...body.devices.map((d) => this.deviceRow(d, username, password))),
      );
    } catch (err) {
      fill(
        this.found,
        h(
          'p',
          { class: 'error' },
          err instanceof ApiError ? `${err.code}: ${err.message}` : 'No connection',
        ),
      );
    }
  }

  private deviceRow(d: Device, username: string, password: string): HTMLElement {
    const id = h('input', {
      type: 'text',
      'aria-label': 'New camera id',
      pattern: '[a-z0-9][a-z0-9_-]{0,62}',
      value: `cam-${d.address.replace(/\D/g, '').slice(-3)}`,
    });
    const out = h('span', { role: 'status' });
    return h(
      'li',
      {},
      `${[d.device?.manufacturer, d.device?.model].filter(Boolean).join(' ') || d.name || d.hardware || 'ONVIF device'} at ${d.address} `,
      d.error ? h('span', { class: 'error' }, `(${d.error.message}) `) : '',
      id,
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              const { headers, body } = await api<{ etag: string }>('/api/config');
              await api('/api/discovery/adopt', {
                method: 'POST',
                headers: { 'if-match': headers.get('etag') ?? body.etag },
                json: { xaddr: d.xaddrs[0], username, password, id: id.value, stream: 'sub' },
              });
              out.textContent = ` Adopted as ${id.value}: it starts now.`;
              await this.load();
            } catch (err) {
              out.textContent = ` ${err instanceof ApiError ? err.message : 'No connection'}`;
            }
          },
        },
        'Adopt',
      ),
      out,
    );
  }
}
