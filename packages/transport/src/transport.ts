/**
 * The HTTP core every domain client shares. Each attempt is one `fetch` call; around it this
 * class adds auth headers per attempt, POST/PATCH retried only when declared safe,
 * `Retry-After` and `retry-after-ms`, a per-attempt timeout plus an overall deadline,
 * same-origin redirects, typed errors, and redaction. (Why fetch and not ky: decisions.md.)
 */
import * as v from 'valibot';
import type { AuthStrategy } from './auth.js';
import { type DebugLog, debugLogFromEnv } from './debug.js';
import {
  AbortError,
  type APIError,
  type AuthressErrorFields,
  apiErrorFor,
  ConfigError,
  ConnectionError,
  IamkitError,
  RequestValidationError,
  ResponseValidationError,
  type TileDBErrorFields,
  TimeoutError,
} from './errors.js';
import {
  collectSecretValues,
  redactHeaders,
  redactSecrets,
  redactUrl,
  scrubText,
} from './redact.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableError,
  parseRetryAfter,
  type ResolvedRetry,
  type RetryOptions,
  resolveRetry,
} from './retry.js';
import { toValidationIssues, validateRequest } from './validate.js';
import { VERSION } from './version.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A number is the per-attempt timeout; `total` bounds the whole call including retries. */
export type TimeoutOption = number | { attempt?: number | undefined; total?: number | undefined };

export const DEFAULT_TIMEOUT = { attempt: 30_000, total: 120_000 } as const;

export interface RequestEvent {
  method: HttpMethod;
  /** Redacted. */
  url: string;
  /** Redacted. */
  headers: Record<string, string>;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * The JSON body being sent, parsed back from the text that goes on the wire (undefined when
   * there is none), with secret fields redacted by name and the request's credentials scrubbed.
   * Built on first read, so a hook that never reads it costs nothing.
   */
  readonly body: unknown;
}

export interface ResponseEvent {
  method: HttpMethod;
  url: string;
  status: number;
  headers: Record<string, string>;
  attempt: number;
  durationMs: number;
  requestId: string | undefined;
  /**
   * The body as the server sent it: parsed JSON (text when it is not JSON, undefined when
   * empty), secret fields redacted and the request's own secrets scrubbed. Parsed on first
   * read, so a hook that never reads it costs nothing.
   */
  readonly body: unknown;
}

export interface RetryEvent {
  method: HttpMethod;
  url: string;
  /** The attempt that failed. */
  attempt: number;
  delayMs: number;
  error: IamkitError;
}

export interface ErrorEvent {
  method: HttpMethod;
  url: string;
  attempts: number;
  error: IamkitError;
}

/** Observers for logging and metrics. They see redacted URLs, headers and bodies only. */
export interface TransportHooks {
  beforeRequest?(event: RequestEvent): void | Promise<void>;
  afterResponse?(event: ResponseEvent): void | Promise<void>;
  beforeRetry?(event: RetryEvent): void | Promise<void>;
  /** The call failed for good; the error is about to be thrown. */
  onError?(event: ErrorEvent): void | Promise<void>;
}

/** What every domain client's constructor accepts. */
export interface ClientOptions {
  baseUrl?: string | undefined;
  auth?: AuthStrategy | undefined;
  retry?: RetryOptions | false | undefined;
  timeout?: TimeoutOption | undefined;
  fetch?: typeof fetch | undefined;
  hooks?: TransportHooks | undefined;
  /** Sent on every request (after the defaults, before auth and per-call headers). */
  headers?: Record<string, string> | undefined;
  /** Prepended to the User-Agent, e.g. `my-app/1.2`. Not sent from browsers. */
  userAgent?: string | undefined;
  /** Share one transport between clients; the other options are then ignored. */
  transport?: Transport | undefined;
}

export type TransportOptions = ClientOptions & { baseUrl: string };

export interface RequestSpec<T = unknown> {
  method: HttpMethod;
  /** Template such as `/v2/groups/{namespace}/{name}`, relative to the base URL. */
  path: string;
  /** Each value is encoded as exactly one path segment; empty, `.` and `..` are rejected. */
  params?: Record<string, string> | undefined;
  /** null and undefined values are left out. */
  query?: Record<string, string | number | boolean | null | undefined> | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Validates `body` before anything is sent; the parsed output is what is sent. */
  bodySchema?: v.GenericSchema | undefined;
  /** Validates the response; a mismatch is a ResponseValidationError. */
  responseSchema?: v.GenericSchema<unknown, T> | undefined;
  /** Per-call headers; undefined values are skipped. */
  headers?: Record<string, string | undefined> | undefined;
  /**
   * Overrides the method's default: `true` declares a POST/PATCH safe to repeat (a retrieve
   * done with POST); `false` declares a PUT/DELETE unsafe to repeat (a PUT that creates).
   */
  idempotent?: boolean | undefined;
  /** Sent as `Idempotency-Key`; also makes a POST/PATCH retryable. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
  retry?: RetryOptions | false | undefined;
  timeout?: TimeoutOption | undefined;
}

export interface ResponseWithData<T> {
  data: T;
  /** The raw response; its body has been read. */
  response: Response;
  requestId: string | undefined;
}

interface ResolvedTimeout {
  attempt: number;
  total: number;
}

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'x-tiledb-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-correlation-id',
];

const MAX_TIMER_MS = 2_147_483_647;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The absolute URL of a redirect that stays on `from`'s origin, otherwise undefined. */
function sameOriginRedirect(response: Response, from: string): string | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (!location) return undefined;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return undefined;
  }
  return next.origin === new URL(from).origin ? next.href : undefined;
}

export class Transport {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #auth: AuthStrategy | undefined;
  readonly #retry: ResolvedRetry;
  readonly #timeout: ResolvedTimeout;
  readonly #hooks: TransportHooks | undefined;
  readonly #headers: Record<string, string>;
  readonly #debug: DebugLog | undefined;

  constructor(options: TransportOptions) {
    if (!options || typeof options.baseUrl !== 'string' || options.baseUrl.trim() === '') {
      throw new ConfigError('Transport: options.baseUrl is required');
    }
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new ConfigError('Transport: options.fetch must be a function');
    }
    const customFetch = options.fetch;
    // Looked up per call (not bound once) so a runtime or test that swaps globalThis.fetch
    // later is respected.
    this.#fetch = customFetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#auth = options.auth;
    this.#retry = resolveRetry(DEFAULT_RETRY, options.retry);
    this.#timeout = resolveTimeout(options.timeout, DEFAULT_TIMEOUT);
    this.#hooks = options.hooks;
    this.#debug = debugLogFromEnv();
    const headers: Record<string, string> = { accept: 'application/json, application/links+json' };
    const userAgent = buildUserAgent(options.userAgent);
    if (userAgent) headers['user-agent'] = userAgent;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (typeof value !== 'string')
        throw new ConfigError(`Transport: header "${name}" must be a string`);
      headers[name.toLowerCase()] = value;
    }
    this.#headers = headers;
  }

  /** `options.transport` when given, otherwise a new Transport with `defaultBaseUrl` as fallback. */
  static from(options: ClientOptions | undefined, defaultBaseUrl: string): Transport {
    if (options?.transport) return options.transport;
    return new Transport({ ...options, baseUrl: options?.baseUrl ?? defaultBaseUrl });
  }

  /** Sends the request and returns the (validated) body; throws an IamkitError on failure. */
  async request<T = unknown>(spec: RequestSpec<T>): Promise<T> {
    return (await this.requestWithResponse(spec)).data;
  }

  /** Like {@link request}, also returning the raw Response and the request id. */
  async requestWithResponse<T = unknown>(spec: RequestSpec<T>): Promise<ResponseWithData<T>> {
    let url: string | undefined;
    try {
      url = this.baseUrl + buildPath(spec.path, spec.params) + buildQuery(spec.query);
      return await this.#send(spec, url);
    } catch (error) {
      // Every failure is reported once, here: input errors and failed token providers too,
      // which are worth a log line as much as a 503.
      if (error instanceof IamkitError) {
        const where = redactUrl(url ?? this.baseUrl + spec.path);
        if (this.#hooks?.onError) {
          await this.#hooks.onError({
            method: spec.method,
            url: where,
            attempts: error.attempts ?? 0,
            error,
          });
        }
        this.#debug?.(`${spec.method} ${where} failed: ${error.name}: ${error.message}`);
      }
      throw error;
    }
  }

  async #send<T>(spec: RequestSpec<T>, url: string): Promise<ResponseWithData<T>> {
    const method = spec.method;
    const bodyValue = spec.bodySchema ? validateRequest(spec.bodySchema, spec.body) : spec.body;
    const bodyText = bodyValue === undefined ? undefined : toJson(bodyValue);
    const retry = spec.retry === undefined ? this.#retry : resolveRetry(this.#retry, spec.retry);
    const timeout =
      spec.timeout === undefined ? this.#timeout : resolveTimeout(spec.timeout, this.#timeout);
    const retryableMethod =
      spec.idempotent ??
      ((method !== 'POST' && method !== 'PATCH') || spec.idempotencyKey !== undefined);
    const signal = spec.signal;
    const deadline = Date.now() + timeout.total;

    for (let attempt = 1; ; attempt++) {
      let error: IamkitError;
      let retryAfterMs: number | undefined;
      if (signal?.aborted) {
        error = abortError(signal, method, url);
      } else if (deadline - Date.now() <= 0) {
        error = totalTimeout(timeout.total, method, url);
      } else {
        const headers = await this.#requestHeaders(
          spec,
          url,
          bodyText !== undefined,
          deadline,
          timeout.total,
        );
        const outcome =
          headers instanceof IamkitError
            ? { ok: false as const, error: headers, retryAfterMs: undefined }
            : await this.#attempt<T>(
                spec,
                url,
                headers,
                bodyText,
                bodyValue,
                attempt,
                timeout,
                deadline,
              );
        if (outcome.ok) return outcome.result;
        error = outcome.error;
        retryAfterMs = outcome.retryAfterMs;
      }
      error.attempts = attempt;
      const delay = this.#retryDelay(
        error,
        retry,
        retryableMethod,
        attempt,
        retryAfterMs,
        deadline,
      );
      if (delay === undefined) throw error;
      if (this.#hooks?.beforeRetry) {
        await this.#hooks.beforeRetry({
          method,
          url: redactUrl(url),
          attempt,
          delayMs: delay,
          error,
        });
      }
      this.#debug?.(
        `${method} ${redactUrl(url)} retrying in ${Math.round(delay)} ms after ${error.code}`,
      );
      try {
        await sleep(delay, signal);
      } catch {
        const aborted = abortError(signal, method, url);
        aborted.attempts = attempt;
        throw aborted;
      }
    }
  }

  /** Milliseconds to wait before another attempt, or undefined when the error is final. */
  #retryDelay(
    error: IamkitError,
    retry: ResolvedRetry,
    retryableMethod: boolean,
    attempt: number,
    retryAfterMs: number | undefined,
    deadline: number,
  ): number | undefined {
    if (!retryableMethod || attempt > retry.limit || !isRetryableError(error, retry))
      return undefined;
    let delay: number;
    if (retryAfterMs !== undefined) {
      if (retryAfterMs > retry.maxRetryAfter) return undefined;
      delay = retryAfterMs;
    } else {
      delay = backoffDelay(retry, attempt);
    }
    return Date.now() + delay >= deadline ? undefined : delay;
  }

  /**
   * The headers of one attempt, auth included. A token provider is bounded by the caller's
   * signal and the overall deadline like the request itself: a hung provider must not hang
   * the call. Returns the AbortError or TimeoutError instead of throwing it.
   */
  async #requestHeaders(
    spec: RequestSpec<unknown>,
    url: string,
    hasBody: boolean,
    deadline: number,
    totalMs: number,
  ): Promise<Record<string, string> | AbortError | TimeoutError> {
    const headers = { ...this.#headers };
    if (hasBody) headers['content-type'] = 'application/json';
    if (this.#auth) {
      const auth = this.#auth;
      let authHeaders: Record<string, string> | AbortError | TimeoutError;
      try {
        authHeaders = await bounded(
          auth.headers({ url, method: spec.method }),
          spec,
          url,
          deadline,
          totalMs,
        );
      } catch (error) {
        if (error instanceof IamkitError) throw error;
        throw new ConfigError(`The "${auth.kind}" auth strategy failed to produce headers`, {
          cause: error,
        });
      }
      if (authHeaders instanceof IamkitError) return authHeaders;
      for (const [name, value] of Object.entries(authHeaders)) headers[name.toLowerCase()] = value;
    }
    if (spec.headers) {
      for (const [name, value] of Object.entries(spec.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = value;
      }
    }
    if (spec.idempotencyKey !== undefined) headers['idempotency-key'] = spec.idempotencyKey;
    const unsendable = unsendableHeader(headers);
    if (unsendable) throw unsendable;
    return headers;
  }

  async #attempt<T>(
    spec: RequestSpec<T>,
    url: string,
    headers: Record<string, string>,
    bodyText: string | undefined,
    bodyValue: unknown,
    attempt: number,
    timeout: ResolvedTimeout,
    deadline: number,
  ): Promise<
    | { ok: true; result: ResponseWithData<T> }
    | { ok: false; error: IamkitError; retryAfterMs?: number | undefined }
  > {
    const method = spec.method;
    const signal = spec.signal;
    const remaining = deadline - Date.now();
    const phase: 'attempt' | 'total' = timeout.attempt <= remaining ? 'attempt' : 'total';
    const limit = phase === 'attempt' ? timeout.attempt : remaining;
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      limit < MAX_TIMER_MS
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, limit)
        : undefined;
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    // An abort that landed while the headers were being prepared fired no event for us.
    if (signal?.aborted) controller.abort(signal.reason);
    const started = Date.now();
    const secretsOf = () => collectSecretValues(headers, bodyValue, spec.query);
    const failure = (error: unknown) => {
      if (timedOut) {
        const budget = phase === 'attempt' ? timeout.attempt : timeout.total;
        return new TimeoutError(
          `${method} ${redactUrl(url)} timed out after ${budget} ms (${phase === 'attempt' ? 'per-attempt timeout' : 'overall deadline'})`,
          { phase, timeoutMs: budget, method, url: redactUrl(url), cause: error },
        );
      }
      if (signal?.aborted) return abortError(signal, method, url);
      const secrets = secretsOf();
      return new ConnectionError(
        `${method} ${redactUrl(url)} failed: ${scrubText(describeNetworkError(error), secrets)}`,
        { method, url: redactUrl(url), cause: sanitizeCause(error, secrets) },
      );
    };
    try {
      if (this.#hooks?.beforeRequest) {
        let sent: { value: unknown } | undefined;
        await this.#hooks.beforeRequest({
          method,
          url: redactUrl(url),
          headers: redactHeaders(headers),
          attempt,
          get body() {
            sent ??= {
              value: bodyText === undefined ? undefined : redactedBody(bodyText, secretsOf()),
            };
            return sent.value;
          },
        });
      }
      this.#debug?.(
        `→ ${method} ${redactUrl(url)} attempt ${attempt} ${JSON.stringify(redactHeaders(headers))}`,
      );
      // Redirects are followed here, and only within the base URL's origin: fetch would
      // forward custom credential headers (X-TILEDB-REST-API-KEY) to any host a server names.
      let target = url;
      let hopMethod: HttpMethod = method;
      let hopBody = bodyText;
      let response: Response | undefined;
      let text = '';
      for (let hop = 0; response === undefined; hop++) {
        let answer: Response;
        try {
          answer = await this.#fetch(target, {
            method: hopMethod,
            headers,
            redirect: 'manual',
            signal: controller.signal,
            ...(hopBody === undefined ? {} : { body: hopBody }),
          });
          if (answer.type === 'opaqueredirect') {
            return {
              ok: false,
              error: new ConnectionError(
                `${method} ${redactUrl(url)} was redirected, and this runtime hides where to; not followed, so the credentials stay with ${new URL(url).origin}`,
                { method, url: redactUrl(url) },
              ),
            };
          }
          const next = hop < MAX_REDIRECTS ? sameOriginRedirect(answer, target) : undefined;
          if (next === undefined) {
            response = answer;
            text = await answer.text();
            break;
          }
          await answer.body?.cancel();
          // 303, and 301/302 after a POST, continue as a GET without a body (as fetch would).
          if (answer.status === 303 || (answer.status <= 302 && hopMethod === 'POST')) {
            hopMethod = 'GET';
            hopBody = undefined;
          }
          target = next;
        } catch (error) {
          return { ok: false, error: failure(error) };
        }
      }
      const requestId = requestIdFromHeaders(response.headers);
      if (this.#hooks?.afterResponse) {
        let body: { value: unknown } | undefined;
        await this.#hooks.afterResponse({
          method,
          url: redactUrl(url),
          status: response.status,
          headers: scrubHeaderValues(redactHeaders(response.headers), secretsOf()),
          attempt,
          durationMs: Date.now() - started,
          requestId,
          get body() {
            body ??= { value: redactedBody(text, secretsOf()) };
            return body.value;
          },
        });
      }
      this.#debug?.(
        `← ${response.status} ${method} ${redactUrl(url)} ${Date.now() - started} ms${requestId ? ` request-id ${requestId}` : ''}`,
      );
      if (response.ok) {
        const data = parseSuccess(spec, url, response, text, secretsOf);
        if (data instanceof ResponseValidationError) return { ok: false, error: data };
        return { ok: true, result: { data, response, requestId } };
      }
      const retryAfterMs = parseRetryAfter(response.headers);
      return {
        ok: false,
        error: buildApiError(method, url, response, text, requestId, retryAfterMs, secretsOf()),
        retryAfterMs,
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

// Characters fetch refuses in a header value (its TypeError would quote the value).
const UNSENDABLE_HEADER_VALUE = /[\r\n\0]|[^\t\x20-\x7e\x80-\xff]/;

/** The input error for a header fetch would refuse, named by the header, or undefined. */
function unsendableHeader(headers: Record<string, string>): RequestValidationError | undefined {
  for (const name in headers) {
    if (!UNSENDABLE_HEADER_VALUE.test(headers[name] as string)) continue;
    const path = `headers.${name}`;
    const message = 'the value cannot be sent in HTTP (a line break or a non-Latin-1 character)';
    return new RequestValidationError(path, [{ path, message }]);
  }
  return undefined;
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ConfigError(`Transport: baseUrl is not an absolute URL: ${redactUrl(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Transport: baseUrl must use http or https, not ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw new ConfigError('Transport: baseUrl must not have a query string or fragment');
  }
  if (url.username || url.password) {
    throw new ConfigError('Transport: baseUrl must not contain credentials; pass an auth strategy');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function resolveTimeout(input: TimeoutOption | undefined, base: ResolvedTimeout): ResolvedTimeout {
  if (input === undefined) return base;
  if (typeof input === 'number') {
    checkTimeout(input, 'timeout');
    return { attempt: input, total: Math.max(base.total, input) };
  }
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('timeout must be a number of milliseconds or { attempt, total }');
  }
  const attempt = input.attempt ?? base.attempt;
  const total = input.total ?? Math.max(base.total, attempt);
  checkTimeout(attempt, 'timeout.attempt');
  checkTimeout(total, 'timeout.total');
  return { attempt, total };
}

function checkTimeout(value: number, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number of milliseconds (or Infinity)`);
  }
}

function buildUserAgent(prefix: string | undefined): string | undefined {
  const g = globalThis as {
    window?: unknown;
    document?: unknown;
    Deno?: { version?: { deno?: string } };
    Bun?: { version?: string };
    process?: { versions?: { node?: string } };
  };
  // Browsers forbid or ignore User-Agent; sending it only risks a CORS preflight failure.
  if (g.window !== undefined && g.document !== undefined) return undefined;
  const runtime = g.Deno?.version?.deno
    ? `deno/${g.Deno.version.deno}`
    : g.Bun?.version
      ? `bun/${g.Bun.version}`
      : g.process?.versions?.node
        ? `node/${g.process.versions.node}`
        : undefined;
  return [prefix, `iamkit-transport/${VERSION}`, runtime].filter(Boolean).join(' ');
}

const PARAM = /\{([^{}]+)\}/g;

/** Fills a path template; every value becomes exactly one encoded segment. */
export function buildPath(template: string, params: Record<string, string> | undefined): string {
  if (!template.startsWith('/')) {
    throw new RequestValidationError('path', [
      { path: 'path', message: `the path template must start with "/": ${template}` },
    ]);
  }
  let used = 0;
  const path = template.replace(PARAM, (_match, name: string) => {
    const value = params?.[name];
    const problem =
      value === undefined
        ? 'is required'
        : typeof value !== 'string'
          ? 'must be a string'
          : value === ''
            ? 'must not be empty'
            : value === '.' || value === '..'
              ? `must not be "${value}"`
              : undefined;
    if (problem) {
      throw new RequestValidationError(name, [
        { path: name, message: `path parameter ${problem}` },
      ]);
    }
    used++;
    return encodeURIComponent(value as string);
  });
  if (params && Object.keys(params).length !== used) {
    const unknown = Object.keys(params).filter((name) => !template.includes(`{${name}}`));
    if (unknown.length > 0) {
      throw new RequestValidationError(unknown[0] as string, [
        { path: unknown[0] as string, message: `not a parameter of ${template}` },
      ]);
    }
  }
  return path;
}

export function buildQuery(query: RequestSpec['query']): string {
  if (!query) return '';
  let out = '';
  for (const name in query) {
    // Typed as primitives, but JavaScript callers can pass anything.
    const value: unknown = query[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      // A Date or an object has no one obvious text form; the caller chooses it.
      const path = `query.${name}`;
      const message = `must be a string, number or boolean, not ${value instanceof Date ? 'a Date (send date.toISOString())' : typeof value}`;
      throw new RequestValidationError(path, [{ path, message }]);
    }
    out += `${out ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

function requestIdFromHeaders(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

function isJsonType(contentType: string): boolean {
  return /[/+]json\b/i.test(contentType);
}

/** A request or response body fit for hooks and logs: parsed when it is JSON, secrets removed. */
function redactedBody(text: string, secrets: readonly string[]): unknown {
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return scrubText(text, secrets);
  }
  return scrubDeep(redactSecrets(parsed), secrets);
}

function parseSuccess<T>(
  spec: RequestSpec<T>,
  url: string,
  response: Response,
  text: string,
  secretsOf: () => string[],
): T | ResponseValidationError {
  const method = spec.method;
  let data: unknown;
  if (text === '') {
    data = undefined;
  } else {
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType === '' || isJsonType(contentType)) {
      try {
        data = JSON.parse(text);
      } catch (error) {
        return new ResponseValidationError(
          scrubText(text, secretsOf()),
          [
            {
              path: '',
              message: `the body is not valid JSON (content-type ${contentType || 'none'})`,
            },
          ],
          { method, url: redactUrl(url), cause: error },
        );
      }
    } else {
      data = text;
    }
  }
  if (!spec.responseSchema) return data as T;
  const result = v.safeParse(spec.responseSchema, data);
  if (result.success) return result.output;
  // The raw value may echo what we sent (a key in a debug field, say): scrub it by value.
  const secrets = secretsOf();
  const issues = toValidationIssues(result.issues).map((issue) => ({
    ...issue,
    message: scrubText(issue.message, secrets),
  }));
  return new ResponseValidationError(scrubDeep(data, secrets), issues, {
    method,
    url: redactUrl(url),
  });
}

/** Why a 3xx became an error: where it pointed (origin and path only), and that it was not followed. */
function redirectDetail(response: Response, url: string): string | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (!location) return undefined;
  try {
    const next = new URL(location, url);
    return next.origin === new URL(url).origin
      ? `too many redirects (more than ${MAX_REDIRECTS})`
      : `redirected to ${next.origin}${next.pathname}, another origin; not followed, so the credentials are not sent there (use that host as baseUrl if you trust it)`;
  } catch {
    return `redirected to an invalid location`;
  }
}

function buildApiError(
  method: HttpMethod,
  url: string,
  response: Response,
  text: string,
  headerRequestId: string | undefined,
  retryAfterMs: number | undefined,
  secrets: readonly string[],
): APIError {
  let body: unknown;
  if (text !== '') {
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (isJsonType(contentType) || /^\s*[[{]/.test(text)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    body =
      typeof parsed === 'string'
        ? scrubText(parsed.length > 4096 ? `${parsed.slice(0, 4096)}…` : parsed, secrets)
        : scrubDeep(redactSecrets(parsed), secrets);
  }
  const tiledb = tiledbFields(body);
  const authress = authressFields(body);
  const requestId = headerRequestId ?? tiledb?.request_id ?? authress?.errorId;
  const detail =
    redirectDetail(response, url) ??
    tiledb?.message ??
    authress?.title ??
    (typeof body === 'string' && !/^\s*</.test(body) ? body.slice(0, 200).trim() : undefined);
  const context = [
    tiledb?.code !== undefined ? `code ${tiledb.code}` : undefined,
    authress?.errorCode ? `errorCode ${authress.errorCode}` : undefined,
    requestId ? `request id ${requestId}` : undefined,
  ].filter(Boolean);
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  const message =
    `${method} ${redactUrl(url)} → ${response.status}${statusText}` +
    (detail ? `: ${detail}` : '') +
    (context.length > 0 ? ` (${context.join(', ')})` : '');
  return apiErrorFor({
    status: response.status,
    method,
    url: redactUrl(url),
    headers: scrubHeaderValues(redactHeaders(response.headers), secrets),
    body,
    requestId,
    tiledb,
    authress,
    retryAfterMs,
    message,
  });
}

function scrubHeaderValues(
  headers: Record<string, string>,
  secrets: readonly string[],
): Record<string, string> {
  for (const name of Object.keys(headers)) headers[name] = scrubText(headers[name] ?? '', secrets);
  return headers;
}

/**
 * `value` (parsed JSON) with known secrets scrubbed from every string, keys included. Done on
 * the parsed strings, not the JSON text, where a secret holding `"`, `\\` or a newline appears
 * escaped and would not match.
 */
function scrubDeep(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[scrubText(key, secrets)] = scrubDeep(item, secrets);
  }
  return out;
}

/** The request body as JSON text; a value JSON cannot hold is the caller's input error. */
function toJson(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RequestValidationError('body', [
      { path: 'body', message: `cannot be sent as JSON: ${reason}` },
    ]);
  }
}

/**
 * `work`, unless the caller's signal aborts or the overall deadline passes first: then the
 * AbortError or TimeoutError, returned rather than thrown. `work` is left to settle alone.
 */
function bounded<T>(
  work: Promise<T>,
  spec: RequestSpec<unknown>,
  url: string,
  deadline: number,
  totalMs: number,
): Promise<T | AbortError | TimeoutError> {
  const signal = spec.signal;
  const left = deadline - Date.now();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      settle();
      resolve(abortError(signal, spec.method, url));
    };
    const timer =
      left < MAX_TIMER_MS
        ? setTimeout(() => {
            settle();
            resolve(totalTimeout(totalMs, spec.method, url));
          }, left)
        : undefined;
    const settle = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tiledbFields(body: unknown): TileDBErrorFields | undefined {
  if (!isRecord(body)) return undefined;
  const out: TileDBErrorFields = {};
  if (typeof body['code'] === 'number') out.code = body['code'];
  if (typeof body['message'] === 'string') out.message = body['message'];
  if (typeof body['request_id'] === 'string') out.request_id = body['request_id'];
  const validation = body['validation_error'];
  if (isRecord(validation) && Array.isArray(validation['fields'])) {
    out.validation_error = validation as TileDBErrorFields['validation_error'] & object;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function authressFields(body: unknown): AuthressErrorFields | undefined {
  if (!isRecord(body)) return undefined;
  const out: AuthressErrorFields = {};
  if (typeof body['title'] === 'string') out.title = body['title'];
  if (typeof body['errorCode'] === 'string') out.errorCode = body['errorCode'];
  if (typeof body['errorId'] === 'string') out.errorId = body['errorId'];
  return Object.keys(out).length > 0 ? out : undefined;
}

function abortError(signal: AbortSignal | undefined, method: string, url: string): AbortError {
  return new AbortError(`${method} ${redactUrl(url)} was aborted by the caller`, {
    cause: signal?.reason,
  });
}

function totalTimeout(total: number, method: string, url: string): TimeoutError {
  return new TimeoutError(
    `${method} ${redactUrl(url)} timed out after ${total} ms (overall deadline)`,
    {
      phase: 'total',
      timeoutMs: total,
      method,
      url: redactUrl(url),
    },
  );
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" / "terminated" and keeps the useful part in `cause`.
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail =
    typeof cause?.message === 'string' && cause.message !== '' ? cause.message : undefined;
  const inner = detail && code && !detail.includes(code) ? `${detail} (${code})` : (detail ?? code);
  return inner ? `${error.message}: ${inner}` : error.message;
}

/** The error itself, or a copy without any secret the message happens to contain. */
function sanitizeCause(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const message = scrubText(error.message, secrets);
  if (message === error.message) return error;
  const copy = new Error(
    message,
    error.cause === undefined ? undefined : { cause: sanitizeCause(error.cause, secrets) },
  );
  copy.name = error.name;
  return copy;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
