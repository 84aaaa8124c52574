import type { AlertOutput } from './alert-dispatcher';
import type { AlertHistory } from './alert-history';
import type { AlertPayload } from './payload-schemas';

/** Keeps every alert message sent, for the API's history. */
export class HistoryOutput implements AlertOutput {
  constructor(private readonly history: AlertHistory) {}

  send(alert: AlertPayload): void {
    this.history.add(alert);
  }
}
