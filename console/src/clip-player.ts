import { ApiError, blobUrl } from './api.js';
import { h } from './dom.js';
import type { Alert } from './types.js';
import { ruleTitle } from './words.js';

/**
 * The incident's event clip, fetched with the token when asked for (every download is in the
 * daemon's audit log), played in place.
 */
export function clipButton(a: Alert): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'clip', 'aria-label': `Play clip of alert ${a.id.slice(0, 8)}` },
    'Play clip',
  );
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    blobUrl(`/api/alerts/${a.id}/clip`)
      .then((src) => {
        const video = h('video', {
          class: 'clip',
          src,
          controls: '',
          playsinline: '',
          muted: '',
          'aria-label': `Clip of ${ruleTitle(a.rule)} at ${a.zoneName || a.zone}`,
        });
        button.replaceWith(video);
        void (video as HTMLVideoElement).play().catch(() => undefined);
      })
      .catch((err: unknown) => {
        const gone = err instanceof ApiError && err.status === 404;
        button.replaceWith(
          h('span', { class: 'no-clip' }, gone ? 'No clip for this alert' : 'Clip not available'),
        );
      });
  });
  return button;
}
