/** Retry policy: which failures are retried, and how long to wait before the next attempt. */
import {
  APIError,
  ConfigError,
  ConnectionError,
  type IamkitError,
  TimeoutError,
} from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  limit?: number | undefined;
  /** Statuses retried. Default 408, 429, 500, 502, 503, 504. */
  statusCodes?: readonly number[] | undefined;
  /** First backoff delay in ms, doubled on each retry. Default 500. */
  baseDelay?: number | undefined;
  /** Cap on a computed backoff delay in ms. Default 8000. */
  maxDelay?: number | undefined;
  /**
   * Longest server-requested wait (`Retry-After`, `retry-after-ms`) honoured, in ms. A longer
   * request ends the retries and the error carries the delay. Default 60000.
   */
  maxRetryAfter?: number | undefined;
}

export type ResolvedRetry = { [K in keyof RetryOptions]-?: Exclude<RetryOptions[K], undefined> };

export const DEFAULT_RETRY: Readonly<ResolvedRetry> = {
  limit: 2,
  statusCodes: [408, 429, 500, 502, 503, 504],
  baseDelay: 500,
  maxDelay: 8_000,
  maxRetryAfter: 60_000,
};

export function resolveRetry(
  base: ResolvedRetry,
  override: RetryOptions | false | undefined,
): ResolvedRetry {
  if (override === false) return { ...base, limit: 0 };
  if (override === undefined) return base;
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  checkRetry(merged);
  return merged;
}

function checkRetry(retry: ResolvedRetry): void {
  const counts: Array<[string, number]> = [
    ['limit', retry.limit],
    ['baseDelay', retry.baseDelay],
    ['maxDelay', retry.maxDelay],
    ['maxRetryAfter', retry.maxRetryAfter],
  ];
  for (const [name, value] of counts) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new ConfigError(`retry.${name} must be a number >= 0`);
    }
  }
  if (!Number.isInteger(retry.limit)) throw new ConfigError('retry.limit must be a whole number');
  if (!Array.isArray(retry.statusCodes))
    throw new ConfigError('retry.statusCodes must be an array of HTTP statuses');
}

/** Milliseconds the server asked us to wait, from `retry-after-ms` or `Retry-After`. */
export function parseRetryAfter(headers: Headers, nowMs = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  // delay-seconds is 1*DIGIT (RFC 9110); a negative or odd number is ignored, not "retry now".
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  if (/^\s*[-+.\d]/.test(after)) return undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with jitter (the top quarter of each delay is random), capped. */
export function backoffDelay(retry: ResolvedRetry, retryNumber: number): number {
  const exponential = Math.min(retry.maxDelay, retry.baseDelay * 2 ** (retryNumber - 1));
  return exponential * (1 - Math.random() * 0.25);
}

/** Whether an error is of a kind worth another attempt (before method and count checks). */
export function isRetryableError(error: IamkitError, retry: ResolvedRetry): boolean {
  if (error instanceof APIError) return retry.statusCodes.includes(error.status);
  if (error instanceof TimeoutError) return error.phase === 'attempt';
  return error instanceof ConnectionError;
}
