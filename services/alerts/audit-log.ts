import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

export interface AuditEntry {
  at: string;
  /** Who: the clerk's name from the command, or the API token's name. */
  by: string;
  /** Through what: the MQTT login or `api`. */
  via: 'mqtt' | 'api';
  action: 'ack' | 'snooze' | 'snooze-cancel' | 'feedback' | 'clip-download';
  /** What it was about: an alert id or a camera/zone/rule key. */
  target: string;
  detail?: Record<string, unknown>;
}

/**
 * Who did what to the alerts, one JSON line each, appended to dataDir/audit.jsonl and never
 * rewritten (a clerk silencing a zone is always on record).
 */
export class AuditLog {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'audit.jsonl');
  }

  record(entry: AuditEntry): void {
    try {
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    } catch (err) {
      this.log.error({ err: errorMessage(err), entry }, 'audit log not written');
    }
  }
}
