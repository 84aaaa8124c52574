/**
 * The message contract: shapes the daemon sends the console (API answers and live events), in one
 * place both sides import. The server's code and the console's code import these types; they
 * vanish at build. A declaration file, so that the console's build (rootDir console/src) may
 * include it from here: types only, no imports, nothing at run time. The console's tsconfig checks
 * it (skipLibCheck off there; the services' tsconfig skips declaration files).
 */

/** Per camera, zone and rule: alerts raised and how clerks judged them (GET /api/alerts). */
export interface FeedbackRow {
  camera: string;
  zone: string;
  rule: string;
  alerts: number;
  confirmed: number;
  falseAlarm: number;
  /** Alerts with no verdict (yet). */
  unanswered: number;
}

/** A clerk's answer, however it came (MQTT or the API): the `answer` live event. */
export interface LiveAnswer {
  alertId: string;
  camera: string;
  command: 'ack' | 'snooze' | 'feedback';
  by: string;
  at: string;
  verdict?: string;
  until?: string;
}

/** A snooze in force (GET /api/snoozes). */
export interface SnoozeView {
  key: string;
  camera: string;
  zone: string;
  rule: string;
  by: string;
  until: string;
  note?: string;
}

/** POST /api/tune: what a candidate config changes on the recordings (services/analysis/tune.ts). */
export interface TuneRow {
  camera: string;
  zone: string;
  rule: string;
  current: number;
  candidate: number;
  vanish: number;
  appear: number;
  confirmed: { total: number; kept: number };
  falseAlarms: { total: number; removed: number };
}

export interface TuneReport {
  since: string;
  frames: number;
  cameras: string[];
  rows: TuneRow[];
}
