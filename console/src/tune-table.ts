import { h, scrollingTable } from './dom.js';
import type { TuneReport, TuneRow } from '../../services/core/contract.js';

const HEAD = [
  'Zone',
  'Rule',
  'Now',
  'With these',
  'Vanish',
  'New',
  'Confirmed kept',
  'False alarms removed',
];

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

/** POST /api/tune's answer for one camera: what the candidate would have changed, per zone and rule. */
export function tuneResult(body: TuneReport, camera: string): HTMLElement[] {
  const rows = body.rows.filter((r) => r.camera === camera);
  return [
    h(
      'p',
      { class: 'ok' },
      `${body.frames} recorded frames since ${new Date(body.since).toLocaleString()}:`,
    ),
    rows.length === 0
      ? h('p', {}, 'No alert with either setting.')
      : scrollingTable(
          'What these zones would have changed',
          h(
            'table',
            { class: 'tune' },
            h('thead', {}, h('tr', {}, ...HEAD.map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, ...rows.map((r) => h('tr', {}, ...cells(r).map((c) => h('td', {}, c))))),
          ),
        ),
  ];
}
