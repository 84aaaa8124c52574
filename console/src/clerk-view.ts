import { ApiError, api, blobUrl } from './api.js';
import { fill, h } from './dom.js';
import type { Alert, Answer } from './types.js';
import { ago, ruleTitle, verdictWords, whatHappened } from './words.js';
import { clipButton } from './clip-player.js';
import { Dismissed, awaitsJudgement, cardsOnOpen } from './open-cards.js';

interface Card {
  alert: Alert;
  el: HTMLElement;
  answers: Answer[];
}

/** A card whose alert is the end: the incident is over, its clip is there to watch and judge. */
const ended = (c: Card) => c.alert.type === 'end';

const SNOOZE_MINUTES = [15, 30, 60, 120];

/**
 * The person first: their crop, the full frame on tap (and back). Without a crop, the snapshot.
 */
function personPicture(a: Alert): HTMLElement {
  const where = `${ruleTitle(a.rule)} at ${a.zoneName || a.zone}, ${a.cameraName}`;
  const views = [
    ...(a.crop
      ? [{ path: `/api/alerts/${a.id}/crop`, alt: `The person: ${where}`, w: 360, h: 480 }]
      : []),
    ...(a.snapshot
      ? [{ path: `/api/alerts/${a.id}/snapshot`, alt: `Full frame: ${where}`, w: 640, h: 480 }]
      : []),
  ];
  if (views.length === 0) return h('p', { class: 'no-snapshot' }, 'Snapshot not available');
  let i = 0;
  const img = h('img', {
    class: 'snapshot',
    alt: views[0]!.alt,
    width: views[0]!.w,
    height: views[0]!.h,
  });
  const showView = () => {
    const v = views[i]!;
    img.alt = v.alt;
    img.width = v.w;
    img.height = v.h;
    img.classList.toggle('crop', v.path.endsWith('/crop'));
    blobUrl(v.path)
      .then((url) => (img.src = url))
      .catch(() => img.replaceWith(h('p', { class: 'no-snapshot' }, 'Snapshot not available')));
  };
  showView();
  if (views.length < 2) return img;
  const button = h(
    'button',
    { type: 'button', class: 'picture', 'aria-label': 'Show the full frame' },
    img,
  );
  button.addEventListener('click', () => {
    i = (i + 1) % views.length;
    button.setAttribute('aria-label', i === 0 ? 'Show the full frame' : 'Show the person');
    showView();
  });
  return button;
}

function escalationNote(e: NonNullable<Alert['escalation']>): HTMLElement {
  const to = [...e.to.logins, ...e.to.roles.map((r) => `${r}s`)].join(', ');
  return h(
    'p',
    { class: 'escalated', role: 'status' },
    `Unanswered for ${Math.round(e.unansweredSeconds)} s: escalated to ${to} (${e.level} of ${e.of})`,
  );
}

/**
 * The clerk's screen: one card per open incident, newest first, with its snapshot, what happened
 * in words, severity and age, and the four answers. Every answer from any console (or MQTT) shows
 * on every card; a card closes when its incident ends.
 */
export class ClerkView {
  readonly el = h('section', {
    class: 'cards',
    'aria-live': 'polite',
    'aria-label': 'Open alerts',
  });
  private readonly cards = new Map<string, Card>();
  private readonly empty = h(
    'p',
    { class: 'empty' },
    'No open alerts. New ones appear here at once.',
  );
  private readonly ticker = setInterval(() => this.refreshAges(), 10_000);
  private readonly dismissed = new Dismissed(localStorage);

  constructor(
    private readonly canAnswer: boolean,
    private readonly notify: (a: Alert) => void,
    private readonly toast: (text: string, error?: boolean) => void,
  ) {
    this.el.append(this.empty);
  }

  dispose(): void {
    clearInterval(this.ticker);
  }

  /** The incidents open, and those over whose clip awaits a verdict, when the console opened. */
  async load(): Promise<void> {
    const { body } = await api<{ incidents: Alert[] }>('/api/incidents');
    for (const a of cardsOnOpen(body.incidents, this.dismissed.ids())) this.onAlert(a, false);
  }

  onAlert(a: Alert, live = true): void {
    const card = this.cards.get(a.id);
    // At load, an incident over with its clip unjudged gets its card (live, an end only updates).
    const keep = !live && !card && awaitsJudgement(a, this.dismissed.ids());
    if (a.type === 'end' && !keep) {
      if (!card) return;
      if (a.clip && !card.answers.some((x) => x.command === 'feedback')) {
        card.alert = { ...a, snapshot: card.alert.snapshot };
        this.render(card);
      } else this.close(card);
      return;
    }
    if (card) {
      card.alert = {
        ...a,
        snapshot: a.snapshot ?? card.alert.snapshot,
        crop: a.crop ?? card.alert.crop,
        escalation: a.escalation ?? card.alert.escalation,
      };
      this.render(card);
      return;
    }
    const c: Card = {
      alert: a,
      el: h('article', { class: `card sev-${a.severity}`, 'data-id': a.id }),
      answers: [],
    };
    if (a.ack)
      c.answers.push({
        alertId: a.id,
        camera: a.camera,
        command: 'ack',
        by: a.ack.by,
        at: a.ack.at,
      });
    if (a.feedback)
      c.answers.push({
        alertId: a.id,
        camera: a.camera,
        command: 'feedback',
        by: a.feedback.by,
        at: a.feedback.at,
        verdict: a.feedback.verdict,
      });
    this.cards.set(a.id, c);
    this.render(c);
    this.el.prepend(c.el);
    this.updateEmpty();
    if (live && a.type === 'start') this.notify(a);
  }

  onAnswer(ans: Answer): void {
    const card = this.cards.get(ans.alertId);
    if (!card) return;
    card.answers = card.answers.filter((x) => x.command !== ans.command);
    card.answers.push(ans);
    this.render(card);
    // An ended incident kept for its clip is done once judged.
    if (ended(card) && ans.command === 'feedback') setTimeout(() => this.close(card), 1500);
  }

  /** Dismissed without a verdict: gone from this device, also after a reload. */
  private dismiss(card: Card): void {
    this.dismissed.add(card.alert.id);
    this.close(card);
  }

  private close(card: Card): void {
    card.el.classList.add('closing');
    setTimeout(() => card.el.remove(), 300);
    this.cards.delete(card.alert.id);
    this.updateEmpty();
  }

  private updateEmpty(): void {
    this.empty.hidden = this.cards.size > 0;
  }

  private refreshAges(): void {
    for (const c of this.cards.values()) {
      const t = c.el.querySelector('.age');
      if (t) t.textContent = ago(c.alert.startedAt);
    }
  }

  /** Scrolls to an alert's card and focuses it (a notification's tap). */
  focus(id: string): void {
    const card = this.cards.get(id);
    if (!card) return this.toast('That alert is no longer open; see History', true);
    card.el.tabIndex = -1;
    card.el.scrollIntoView({ block: 'start' });
    card.el.focus();
  }

  private render(c: Card): void {
    const a = c.alert;
    const img = personPicture(a);
    // A walkout shows the concealment too: the gesture, then the door.
    const before = a.concealment?.snapshot
      ? h('img', {
          class: 'snapshot',
          alt: `Snapshot of the concealment before it, ${a.cameraName}`,
          width: 640,
          height: 480,
        })
      : null;
    if (before && a.concealment)
      blobUrl(`/api/alerts/${a.concealment.alertId}/snapshot`)
        .then((url) => (before.src = url))
        .catch(() => before.remove());
    // Who acknowledged is said by the Acknowledge button itself where this console can answer.
    const listed = c.answers.filter((x) => !(this.canAnswer && x.command === 'ack'));
    const answered = listed.map((x) =>
      h(
        'li',
        { class: `answer answer-${x.command}` },
        x.command === 'ack'
          ? `Acknowledged by ${x.by}`
          : x.command === 'snooze'
            ? `Snoozed by ${x.by} until ${new Date(x.until ?? x.at).toLocaleTimeString()}`
            : `Judged ${verdictWords(x.verdict ?? '')} by ${x.by}`,
        ' · ',
        h('time', { datetime: x.at }, ago(x.at)),
      ),
    );
    c.el.className = `card sev-${a.severity}`;
    fill(
      c.el,
      h(
        'header',
        {},
        h('span', { class: `badge sev-${a.severity}` }, a.severity),
        h('h2', {}, ruleTitle(a.rule)),
        h('time', { class: 'age', datetime: a.startedAt }, ago(a.startedAt)),
      ),
      img,
      a.escalation ? escalationNote(a.escalation) : null,
      before,
      ended(c) ? h('p', { class: 'ended' }, 'Over. Watch the clip, then judge it.') : null,
      a.clip ? clipButton(a) : null,
      h('p', { class: 'what' }, `Person #${a.trackId} ${whatHappened(a)}`),
      h('p', { class: 'where' }, `${a.cameraName} · ${a.zoneName || a.zone}`),
      answered.length ? h('ul', { class: 'answers' }, ...answered) : null,
      this.canAnswer ? this.buttons(c) : null,
      ended(c)
        ? h(
            'button',
            { type: 'button', class: 'dismiss', onclick: () => this.dismiss(c) },
            'Dismiss',
          )
        : null,
    );
  }

  private isAcked(id: string): boolean {
    return this.cards.get(id)?.answers.some((x) => x.command === 'ack') ?? false;
  }

  private buttons(c: Card): HTMLElement {
    const id = c.alert.id;
    const acked = c.answers.find((x) => x.command === 'ack');
    const send = (command: Answer['command'], json: unknown, done: string) => async (ev: Event) => {
      const b = ev.currentTarget as HTMLButtonElement;
      b.disabled = true;
      try {
        const { body } = await api<Omit<Answer, 'camera' | 'at'>>(`/api/alerts/${id}/${command}`, {
          method: 'POST',
          json,
        });
        this.toast(done);
        // Shown at once (the live echo, when it comes, says the same).
        const at = new Date().toISOString();
        this.onAnswer({ ...body, alertId: id, command, camera: c.alert.camera, at });
      } catch (err) {
        this.toast(err instanceof ApiError ? err.message : 'Not sent: no connection', true);
      } finally {
        if (b.isConnected && !(command === 'ack' && this.isAcked(id))) b.disabled = false;
      }
    };
    const snooze = h(
      'select',
      { 'aria-label': 'Snooze for', class: 'snooze-minutes' },
      ...SNOOZE_MINUTES.map((m) => h('option', { value: m }, `${m} min`)),
    );
    return h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: send('ack', {}, 'Acknowledged'),
          // Done once acknowledged, by whom: the button says so and takes no second press.
          disabled: acked ? true : null,
          class: acked ? 'primary done' : 'primary',
        },
        acked ? `Acknowledged by ${acked.by}` : 'Acknowledge',
      ),
      h(
        'div',
        { class: 'snooze' },
        snooze,
        h(
          'button',
          {
            type: 'button',
            onclick: (ev: Event) =>
              void send(
                'snooze',
                { minutes: Number(snooze.value) },
                `Snoozed ${snooze.value} min`,
              )(ev),
          },
          'Snooze',
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'false',
          onclick: send('feedback', { verdict: 'false_alarm' }, 'Marked a false alarm'),
        },
        'False alarm',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'confirm',
          onclick: send('feedback', { verdict: 'confirmed' }, 'Confirmed'),
        },
        'Confirmed',
      ),
    );
  }
}
