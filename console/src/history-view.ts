import { api } from './api.js';
import { clipButton } from './clip-player.js';
import { fill, h, scrollingTable } from './dom.js';
import type { FeedbackRow } from '../../services/core/contract.js';
import type { Alert } from './types.js';
import { ruleTitle, whatHappened } from './words.js';

/** Past alerts with filters (camera, rule), paged; and how the store judged them. */
export class HistoryView {
  readonly el = h('section', { class: 'history', 'aria-label': 'History' });
  private readonly list = h('ol', { class: 'rows' });
  private readonly more = h('button', { type: 'button' }, 'Load more');
  private readonly counts = h('div', { class: 'counts' });
  private readonly camera = h(
    'select',
    { 'aria-label': 'Camera', name: 'camera' },
    h('option', { value: '' }, 'All cameras'),
  );
  private readonly rule = h(
    'select',
    { 'aria-label': 'Rule', name: 'rule' },
    h('option', { value: '' }, 'All rules'),
    h('option', { value: 'loitering' }, 'Loitering'),
    h('option', { value: 'concealment' }, 'Concealment'),
    h('option', { value: 'intrusion' }, 'Intrusion'),
    h('option', { value: 'walkout' }, 'Walkout'),
  );
  private next: string | null = null;

  constructor(cameras: { id: string; name?: string }[]) {
    for (const c of cameras) this.camera.append(h('option', { value: c.id }, c.name ?? c.id));
    this.camera.addEventListener('change', () => void this.load(true));
    this.rule.addEventListener('change', () => void this.load(true));
    this.more.addEventListener('click', () => void this.load(false));
    this.el.append(
      h('h2', {}, 'History'),
      h('div', { class: 'filters' }, this.camera, this.rule),
      this.list,
      this.more,
      h('h2', {}, 'How alerts were judged'),
      this.counts,
    );
  }

  async load(reset = true): Promise<void> {
    const q = new URLSearchParams({ type: 'start', limit: '30' });
    if (this.camera.value) q.set('camera', this.camera.value);
    if (this.rule.value) q.set('rule', this.rule.value);
    if (!reset && this.next) q.set('before', this.next);
    const { body } = await api<{
      items: Alert[];
      nextBefore: string | null;
      ends?: Record<string, { at: string; clip: boolean }>;
      feedback: FeedbackRow[];
    }>(`/api/alerts?${q}`);
    if (reset) this.list.replaceChildren();
    for (const a of body.items)
      this.list.append(
        h(
          'li',
          {},
          h('time', { datetime: a.startedAt }, new Date(a.startedAt).toLocaleString()),
          h('strong', {}, ` ${ruleTitle(a.rule)} `),
          `${a.cameraName} · ${a.zoneName || a.zone}: person #${a.trackId} ${whatHappened(a)} `,
          clipOf(a, body.ends?.[a.id]),
        ),
      );
    if (reset && body.items.length === 0) this.list.append(h('li', {}, 'No alerts match.'));
    this.next = body.nextBefore;
    this.more.hidden = !this.next;
    fill(
      this.counts,
      body.feedback.length === 0
        ? h('p', {}, 'No alerts yet.')
        : scrollingTable(
            'Alerts and verdicts per camera, zone and rule',
            verdictTable(body.feedback),
          ),
    );
  }
}

/** Play clip only when the incident's end carries one; otherwise say why there is none. */
function clipOf(a: Alert, end: { clip: boolean } | undefined): HTMLElement {
  if (end?.clip) return clipButton(a);
  return h('span', { class: 'no-clip' }, end ? 'No clip' : 'Clip after the incident ends');
}

function verdictTable(feedback: FeedbackRow[]): HTMLElement {
  return h(
    'table',
    { class: 'verdicts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Camera',
          'Zone',
          'Rule',
          'Alerts',
          'Confirmed',
          'False alarm',
          'Unanswered',
          'Precision',
        ].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      ...feedback.map((f) => {
        const judged = f.confirmed + f.falseAlarm;
        return h(
          'tr',
          {},
          h('td', {}, f.camera),
          h('td', {}, f.zone),
          h('td', {}, ruleTitle(f.rule)),
          h('td', {}, f.alerts),
          h('td', {}, f.confirmed),
          h('td', {}, f.falseAlarm),
          h('td', {}, f.unanswered),
          h('td', {}, judged ? `${Math.round((100 * f.confirmed) / judged)} %` : '–'),
        );
      }),
    ),
  );
}
