import { api } from './api.js';
import { h, scrollingTable } from './dom.js';
import { ruleTitle } from './words.js';

interface Row {
  camera: string;
  rule: string;
  answered: number;
  medianSeconds: number;
  p90Seconds: number;
}

const secs = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** History's "Time to first answer" per camera and rule (GET /api/answer-times). */
export async function answerTimesSection(): Promise<HTMLElement> {
  const { body } = await api<{ rows: Row[] }>('/api/answer-times');
  return h(
    'section',
    { class: 'answer-times', 'aria-label': 'Time to first answer' },
    h('h2', {}, 'Time to first answer'),
    body.rows.length === 0
      ? h('p', {}, 'No answered alerts yet.')
      : scrollingTable(
          'Time to first answer per camera and rule',
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Camera', 'Rule', 'Answered', 'Median', '90 %'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              ...body.rows.map((r) =>
                h(
                  'tr',
                  {},
                  h('td', {}, r.camera),
                  h('td', {}, ruleTitle(r.rule)),
                  h('td', {}, r.answered),
                  h('td', {}, secs(r.medianSeconds)),
                  h('td', {}, secs(r.p90Seconds)),
                ),
              ),
            ),
          ),
        ),
  );
}
