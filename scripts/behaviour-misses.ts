import type { ClipResult } from '../services/analysis/clip-alerts';
import {
  MISS_REASONS,
  countReasons,
  explainEvents,
  judgedFrames,
} from '../services/analysis/miss-reasons';
import type { EventVerdict, MissReason } from '../services/analysis/miss-reasons';
import type { PoseTracks } from '../services/behaviour/pose-tracks';
import type { Config } from '../services/config/schema';

/** The lowest concealment threshold the schema allows: every completed sequence fires. */
const ANY_SCORE = -10;

/** The config with the incident cooldowns off, and optionally another score threshold. */
function uncooled(config: Config, scoreThreshold?: number): Config {
  const b = config.behaviour;
  return {
    ...config,
    alerts: { ...config.alerts, zoneCooldownSeconds: 0, personCooldownSeconds: 0 },
    behaviour: {
      ...b,
      concealment: {
        ...b.concealment,
        scoreThreshold: scoreThreshold ?? b.concealment.scoreThreshold,
      },
    },
  };
}

const f2 = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(2));

/**
 * Why each theft event of the labelled clips was or was not caught at the default operating
 * point (miss-reasons.ts): the rule run at the default, without cooldowns, and at any score.
 * Prints one line per event and the count per reason; answers the verdicts.
 */
export function missReport(
  dev: readonly PoseTracks[],
  config: Config,
  standard: Readonly<Record<string, ClipResult>>,
  run: (config: Config, label: string) => Record<string, ClipResult>,
  write: (line: string) => void,
): { verdicts: EventVerdict[]; counts: Record<MissReason, number> } {
  const cool = run(uncooled(config), 'no cooldown');
  const any = run(uncooled(config, ANY_SCORE), 'any score');
  const verdicts = dev.flatMap((d) =>
    explainEvents(
      d,
      {
        standard: standard[d.clip]!.alerts,
        uncooled: cool[d.clip]!.alerts,
        anyScore: any[d.clip]!.alerts,
        scores: standard[d.clip]!.scores,
      },
      judgedFrames(d, config.behaviour.concealment),
    ),
  );
  const counts = countReasons(verdicts);
  write(
    `\nWhy each theft event was or was not caught (act score: the best completed reach, to-body, hold in the event's window at any score; peak: the highest 2-s score there):`,
  );
  for (const v of verdicts)
    write(
      `  ${v.clip.padEnd(18)} frames ${`${v.first}-${v.last}`.padEnd(8)} ${v.reason.padEnd(20)} act ${f2(v.actScore).padStart(5)}  peak ${f2(v.peakScore).padStart(5)}`,
    );
  write(`  ${MISS_REASONS.map((r) => `${r} ${counts[r]}`).join(', ')}`);
  return { verdicts, counts };
}
