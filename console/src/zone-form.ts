import { h } from './dom.js';
import type { Zone } from './types.js';

export interface Concealment {
  enabled?: boolean;
  windowSeconds?: number;
  holdSeconds?: number;
}

const KINDS = ['general', 'shelf', 'checkout', 'exit', 'restricted'];

const field = (label: string, input: HTMLElement) => h('label', {}, h('span', {}, label), input);

function numberInput(value: number, min: number, max: number, set: (v: number) => void) {
  const i = h('input', { type: 'number', value, min, max, step: 'any', inputmode: 'decimal' });
  i.addEventListener('change', () => set(Number(i.value)));
  return i;
}

/** What the zone's fields tell the editor. */
export interface ZoneFieldEvents {
  renamed(name: string): void;
  kindChanged(): void;
}

/** Name, kind and loitering thresholds of one zone, edited in place. */
export function zoneFields(z: Zone, on: ZoneFieldEvents): HTMLElement[] {
  const l = (z.loitering ??= {});
  const name = h('input', { type: 'text', value: z.name, maxlength: 120 });
  name.addEventListener('input', () => {
    z.name = name.value;
    on.renamed(z.name || z.id);
  });
  const kind = h(
    'select',
    {},
    ...KINDS.map((k) => h('option', { value: k, selected: k === z.kind }, k)),
  );
  kind.addEventListener('change', () => {
    z.kind = kind.value;
    on.kindChanged();
  });
  const enabled = h('input', { type: 'checkbox', checked: l.enabled !== false });
  enabled.addEventListener('change', () => (l.enabled = enabled.checked));
  return [
    field('Name', name),
    field('Kind', kind),
    field('Loitering alert', enabled),
    field(
      'Dwell seconds',
      numberInput(l.dwellSeconds ?? 30, 1, 3600, (v) => (l.dwellSeconds = v)),
    ),
    field(
      'Grace seconds',
      numberInput(l.graceSeconds ?? 2, 0, 60, (v) => (l.graceSeconds = v)),
    ),
  ];
}

/** Concealment thresholds: one setting for the whole site, applied at the next restart. */
export function concealmentFields(c: Concealment): HTMLElement[] {
  const num = (label: string, value: number | undefined, def: number, set: (v: number) => void) =>
    field(label, numberInput(value ?? def, 0.1, 60, set));
  const enabled = h('input', { type: 'checkbox', checked: c.enabled !== false });
  enabled.addEventListener('change', () => (c.enabled = enabled.checked));
  return [
    h('legend', {}, 'Concealment, whole site (applies at the next restart)'),
    field('Concealment alert', enabled),
    num('Hand to body within (s)', c.windowSeconds, 3, (v) => (c.windowSeconds = v)),
    num('Held there for (s)', c.holdSeconds, 1, (v) => (c.holdSeconds = v)),
  ];
}
