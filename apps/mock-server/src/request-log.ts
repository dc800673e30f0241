/** The recent-request journal behind `GET /__admin/requests`. Secrets never enter it. */

export interface RequestLogEntry {
  id: string;
  at: string;
  method: string;
  /** Path and query, secret-named query parameters redacted. */
  path: string;
  status: number;
  durationMs: number;
  api: string;
  /** Username, service-client ID or Authress user ID, when authenticated. */
  caller?: string;
  /** ID of the fault rule that fired, if any. */
  fault?: string;
  /** `true` when a fault rule dropped the connection. */
  dropped?: boolean;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  constructor(private readonly capacity = 500) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity)
      this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Oldest first; at most `limit` of the most recent. */
  list(limit = this.capacity): RequestLogEntry[] {
    return this.entries.slice(-limit);
  }

  clear(): void {
    this.entries = [];
  }
}
