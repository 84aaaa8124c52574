/** The parts of the daemon's payloads the console reads (docs/mqtt-schemas.json has them all). */
export interface Alert {
  id: string;
  type: 'start' | 'update' | 'end';
  camera: string;
  cameraName: string;
  rule: string;
  zone: string;
  zoneName: string;
  trackId: number;
  severity: 'low' | 'medium' | 'high';
  startedAt: string;
  at: string;
  durationSeconds: number;
  snapshot: string | null;
  /** start: the person's crop (GET /api/alerts/<id>/crop), shown first. */
  crop?: string | null;
  /** update: nobody answered in time; pushed to these too. */
  escalation?: {
    level: number;
    of: number;
    to: { logins: string[]; roles: string[] };
    unansweredSeconds: number;
  };
  ack: { by: string; at: string; note?: string } | null;
  feedback?: { verdict: 'confirmed' | 'false_alarm'; by: string; at: string } | null;
  evidence: { steps: { step: string; at: string; region: string | null }[] } | null;
  endReason?: string;
  /** end: the event clip (GET clip.url). */
  clip?: { url: string; durationSeconds: number; bytes: number };
  /** walkout: the same person's concealment alert, its snapshot the second picture. */
  concealment?: { alertId: string; snapshot: string | null; at: string };
  summary: string;
}

export type { LiveAnswer as Answer } from '../../services/core/contract.js';

export interface CameraState {
  id: string;
  name?: string;
  state: string;
  analysedFps: number;
  modelFps: number;
  degraded: boolean;
  degradedDetail?: string | null;
  tracks?: number;
  lastError: { code: string; message: string; at: string } | null;
  /** covered, blinded, moved or defocused while the picture looks so. */
  tamper?: string | null;
}

export interface Zone {
  id: string;
  name: string;
  kind: string;
  polygon: [number, number][];
  loitering?: { enabled?: boolean; dwellSeconds?: number; graceSeconds?: number };
  [key: string]: unknown;
}
