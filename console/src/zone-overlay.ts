import type { Zone } from './types.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

/** The zones being edited, which one is selected, and its selected corner. */
export interface ZoneSelection {
  zones: Zone[];
  selected: number;
  corner: number | undefined;
}

/** What the overlay tells the editor. */
export interface OverlayEvents {
  /** A corner was released after a drag: the form shows the new shape. */
  moved(): void;
  /** A corner was deleted: the whole editor redraws. */
  cornerDeleted(): void;
  /** A change was refused, with why. */
  refused(text: string): void;
  /** A corner was selected (tapped, clicked or focused): its Delete corner button is enabled. */
  selected(): void;
}

/**
 * The zones drawn over the camera's frame as SVG: drag a corner to move it (mouse, touch or pen),
 * drag an edge's midpoint to add a corner, arrow keys move the selected corner, Delete (the key or
 * the editor's Delete corner button, which is what works on touch) removes it.
 */
export class ZoneOverlay {
  readonly el = svg('svg', { class: 'overlay', role: 'group', 'aria-label': 'Zone corners' });
  private w = 1;
  private hgt = 1;

  constructor(
    private readonly sel: ZoneSelection,
    private readonly on: OverlayEvents,
  ) {
    this.el.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** The frame's size in pixels: the overlay's coordinates. */
  size(w: number, hgt: number): void {
    this.w = w;
    this.hgt = hgt;
    this.el.setAttribute('viewBox', `0 0 ${this.w} ${this.hgt}`);
  }

  private get zone(): Zone | undefined {
    return this.sel.zones[this.sel.selected];
  }

  private px(p: [number, number]): [number, number] {
    return [p[0] * this.w, p[1] * this.hgt];
  }

  draw(): void {
    this.el.replaceChildren();
    const r = Math.max(this.w, this.hgt) / 60;
    this.sel.zones.forEach((z, zi) => {
      const pts = z.polygon.map((p) => this.px(p).join(',')).join(' ');
      this.el.append(
        svg('polygon', {
          points: pts,
          class: `zone kind-${z.kind}${zi === this.sel.selected ? ' selected' : ''}`,
        }),
      );
    });
    const z = this.zone;
    if (!z) return;
    z.polygon.forEach((p, i) => this.drawMidpoint(z, p, i, r));
    z.polygon.forEach((p, i) => this.drawCorner(z, p, i, r));
  }

  /** The dot on the edge from corner i: dragging it adds a corner there. */
  private drawMidpoint(z: Zone, p: [number, number], i: number, r: number): void {
    const q = z.polygon[(i + 1) % z.polygon.length]!;
    const [mx, my] = this.px([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2]);
    const mid = svg('circle', { cx: mx, cy: my, r: r * 0.6, class: 'midpoint', 'data-edge': i });
    mid.addEventListener('pointerdown', (e) => {
      z.polygon.splice(i + 1, 0, [round((p[0] + q[0]) / 2), round((p[1] + q[1]) / 2)]);
      this.sel.corner = i + 1;
      this.draw();
      this.drag(e, i + 1);
    });
    this.el.append(mid);
  }

  private drawCorner(z: Zone, p: [number, number], i: number, r: number): void {
    const [x, y] = this.px(p);
    const c = svg('circle', {
      cx: x,
      cy: y,
      r,
      class: `corner${i === this.sel.corner ? ' active' : ''}`,
      tabindex: 0,
      role: 'button',
      'aria-label': `Corner ${i + 1} of ${z.name || z.id} at ${Math.round(p[0] * 100)} %, ${Math.round(p[1] * 100)} %`,
      'data-corner': i,
    });
    c.addEventListener('pointerdown', (e) => this.drag(e, i));
    c.addEventListener('focus', () => this.select(i));
    this.el.append(c);
  }

  /** Marks corner i selected without redrawing (a drag may be holding its element). */
  private select(i: number): void {
    this.sel.corner = i;
    for (const c of this.el.querySelectorAll('.corner'))
      c.classList.toggle('active', c.getAttribute('data-corner') === String(i));
    this.on.selected();
  }

  /** Follows one pointer from a corner until it is released. */
  private drag(e: PointerEvent, i: number): void {
    e.preventDefault();
    const z = this.zone!;
    this.select(i);
    // Captured by the overlay, which stays: a midpoint's drag starts on an element the redraw
    // for its new corner has just removed (capturing it threw InvalidStateError).
    this.el.setPointerCapture?.(e.pointerId);
    const box = this.el.getBoundingClientRect();
    const move = (ev: PointerEvent) => {
      z.polygon[i] = [
        round((ev.clientX - box.left) / box.width),
        round((ev.clientY - box.top) / box.height),
      ];
      this.draw();
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      this.on.moved();
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  private onKey(e: KeyboardEvent): void {
    const z = this.zone;
    const corner = this.sel.corner;
    if (!z || corner === undefined) return;
    const step = e.shiftKey ? 0.02 : 0.005;
    const p = z.polygon[corner]!;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    if (e.key === 'Delete' || e.key === 'Backspace') this.deleteCorner();
    else if (moves[e.key])
      z.polygon[corner] = [round(p[0] + moves[e.key]![0]), round(p[1] + moves[e.key]![1])];
    else return;
    e.preventDefault();
    const keep = this.sel.corner;
    this.draw();
    (this.el.querySelector(`[data-corner="${keep}"]`) as SVGElement | null)?.focus();
  }

  /** Removes the selected corner; a zone keeps at least 3. */
  deleteCorner(): void {
    const z = this.zone;
    if (!z || this.sel.corner === undefined) return;
    if (z.polygon.length <= 3) {
      this.on.refused('A zone needs at least 3 corners.');
      return;
    }
    z.polygon.splice(this.sel.corner, 1);
    this.sel.corner = undefined;
    this.on.cornerDeleted();
  }
}
