import { appendFile } from 'node:fs/promises';
import type { AlertOutput } from './alert-dispatcher';
import type { AlertPayload } from './alert';

/** Alerts as JSON lines in a file (offline analysis). */
export class JsonlAlertOutput implements AlertOutput {
  constructor(private readonly file: string) {}

  send(alert: AlertPayload): Promise<void> {
    return appendFile(this.file, `${JSON.stringify(alert)}\n`);
  }
}
