/**
 * The HTTP core every domain client shares. Each attempt is one `fetch` call; around it this
 * class adds auth headers per attempt, POST/PATCH retried only when declared safe,
 * `Retry-After` and `retry-after-ms`, a per-attempt timeout plus an overall deadline,
 * same-origin redirects, typed errors, and redaction. (Why fetch and not ky: decisions.md.)
 */
import * as v from 'valibot';
import type { AuthStrategy } from './auth.js';
import { Deadlines, MAX_TIMER_MS } from './deadlines.js';
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
import { parseBaseUrl } from './url.js';
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

/**
 * Observers for logging and metrics. They see redacted URLs, headers and bodies only, and
 * cannot change a call: one that throws is noted on the debug trace and ignored.
 */
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

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** An attempt that did not succeed: the error, and how long the server asked us to wait. */
interface Failure {
  error: IamkitError;
  retryAfterMs?: number | undefined;
}

type AuthOutcome = Record<string, string> | AbortError | TimeoutError;

/** A response and its body, read; status and headers are read once (each getter is checked). */
interface Received {
  response: Response;
  status: number;
  headers: Headers;
  text: string;
}

/** Set when an attempt's timeout won the race against a request sent without a signal. */
interface WireState {
  abandoned: boolean;
}

export class Transport {
  readonly baseUrl: string;
  readonly #origin: string;
  readonly #fetch: typeof fetch;
  readonly #auth: AuthStrategy | undefined;
  readonly #retry: ResolvedRetry;
  readonly #timeout: ResolvedTimeout;
  readonly #hooks: TransportHooks | undefined;
  readonly #headers: Record<string, string>;
  readonly #debug: DebugLog | undefined;
  readonly #deadlines = new Deadlines();
  /** Requests abandoned by their timeout whose answer has not arrived yet. */
  #abandoned = 0;

  constructor(options: TransportOptions) {
    if (!options || typeof options.baseUrl !== 'string' || options.baseUrl.trim() === '') {
      throw new ConfigError('Transport: options.baseUrl is required');
    }
    const { origin, path } = parseBaseUrl(options.baseUrl, 'Transport: baseUrl');
    this.baseUrl = origin + path;
    this.#origin = origin;
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
  request<T = unknown>(spec: RequestSpec<T>): Promise<T> {
    return this.#call(spec, false) as Promise<T>;
  }

  /** Like {@link request}, also returning the raw Response and the request id. */
  requestWithResponse<T = unknown>(spec: RequestSpec<T>): Promise<ResponseWithData<T>> {
    return this.#call(spec, true) as Promise<ResponseWithData<T>>;
  }

  // One async frame around the attempts (not one per layer): each frame costs a promise and
  // microtask hops on every call, and the transport's overhead over raw fetch is a goal.
  async #call<T>(spec: RequestSpec<T>, withResponse: boolean): Promise<T | ResponseWithData<T>> {
    const method = spec.method;
    let url: string | undefined;
    try {
      url = this.baseUrl + buildPath(spec.path, spec.params) + buildQuery(spec.query);
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
        let failure: Failure;
        if (signal?.aborted) {
          failure = { error: abortError(signal, method, url) };
        } else if (deadline - Date.now() <= 0) {
          failure = { error: totalTimeout(timeout.total, method, url) };
        } else {
          let auth =
            this.#auth && this.#authHeaders(this.#auth, spec, url, deadline, timeout.total);
          if (auth instanceof Promise) auth = await auth;
          const outcome =
            auth instanceof IamkitError
              ? { error: auth }
              : await this.#attempt<T>(
                  spec,
                  url,
                  this.#requestHeaders(spec, bodyText !== undefined, auth),
                  bodyText,
                  bodyValue,
                  attempt,
                  timeout,
                  deadline,
                );
          if (!('error' in outcome)) return withResponse ? outcome : outcome.data;
          failure = outcome;
        }
        const error = failure.error;
        error.attempts = attempt;
        const delay = this.#retryDelay(
          error,
          retry,
          retryableMethod,
          attempt,
          failure.retryAfterMs,
          deadline,
        );
        if (delay === undefined) throw error;
        if (this.#hooks?.beforeRetry) {
          await this.#observe('beforeRetry', {
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
        if (!(await sleep(delay, signal))) {
          const aborted = abortError(signal, method, url);
          aborted.attempts = attempt;
          throw aborted;
        }
      }
    } catch (error) {
      // Every failure is reported once, here: input errors and failed token providers too,
      // which are worth a log line as much as a 503.
      if (error instanceof IamkitError) {
        const where = redactUrl(url ?? this.baseUrl + spec.path);
        if (this.#hooks?.onError) {
          await this.#observe('onError', {
            method,
            url: where,
            attempts: error.attempts ?? 0,
            error,
          });
        }
        this.#debug?.(`${method} ${where} failed: ${error.name}: ${error.message}`);
      }
      throw error;
    }
  }

  /**
   * Runs one hook. Hooks observe (logs, metrics), so one that throws is noted on the debug
   * trace and otherwise ignored: a failing logger must not fail, or retry, a call the server
   * has already applied.
   */
  async #observe<K extends keyof TransportHooks>(
    name: K,
    event: Parameters<NonNullable<TransportHooks[K]>>[0],
  ): Promise<void> {
    const hooks = this.#hooks;
    const hook = hooks?.[name] as ((event: unknown) => unknown) | undefined;
    try {
      // Called on the hooks object: a class instance's methods keep their `this`.
      await hook?.call(hooks, event);
    } catch (error) {
      this.#debug?.(`hook ${name} threw (ignored): ${String(error)}`);
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
   * The auth strategy's headers for one attempt. A provider's promise is bounded by the
   * caller's signal and the overall deadline like the request itself: a hung provider must not
   * hang the call. Returns the AbortError or TimeoutError instead of throwing it.
   */
  #authHeaders(
    auth: AuthStrategy,
    spec: RequestSpec<unknown>,
    url: string,
    deadline: number,
    totalMs: number,
  ): AuthOutcome | Promise<AuthOutcome> {
    const { method, signal } = spec;
    const failed = (error: unknown): never => {
      if (error instanceof IamkitError) throw error;
      throw new ConfigError(`The "${auth.kind}" auth strategy failed to produce headers`, {
        cause: error,
      });
    };
    let produced: Record<string, string> | PromiseLike<Record<string, string>>;
    try {
      produced = auth.headers({ url, method });
    } catch (error) {
      return failed(error);
    }
    // A custom strategy may return any thenable, not only a native promise.
    if (typeof (produced as { then?: unknown }).then !== 'function') {
      return produced as Record<string, string>;
    }
    const work = Promise.resolve(produced);
    return new Promise<AuthOutcome>((resolve, reject) => {
      if (signal?.aborted) return resolve(abortError(signal, method, url));
      const disarm = watch(signal, deadline - Date.now(), (timedOut) =>
        resolve(timedOut ? totalTimeout(totalMs, method, url) : abortError(signal, method, url)),
      );
      work.then(
        (headers) => {
          disarm();
          resolve(headers);
        },
        (error: unknown) => {
          disarm();
          reject(error);
        },
      );
    }).catch(failed);
  }

  /** The headers of one attempt: defaults, then auth, then the call's own. */
  #requestHeaders(
    spec: RequestSpec<unknown>,
    hasBody: boolean,
    auth: Record<string, string> | undefined,
  ): Record<string, string> {
    const headers = { ...this.#headers };
    if (hasBody) headers['content-type'] = 'application/json';
    for (const name in auth) headers[name.toLowerCase()] = auth[name] as string;
    const own = spec.headers;
    for (const name in own) {
      const value = own[name];
      if (value !== undefined) headers[name.toLowerCase()] = value;
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
  ): Promise<ResponseWithData<T> | Failure> {
    const { method, signal } = spec;
    const started = Date.now();
    const remaining = deadline - started;
    const phase: 'attempt' | 'total' = timeout.attempt <= remaining ? 'attempt' : 'total';
    const budget = phase === 'attempt' ? timeout.attempt : timeout.total;
    const expiry = (cause?: unknown): Failure => ({
      error: timeoutError(phase, budget, method, url, cause),
    });
    // An AbortSignal costs Node's fetch about as much as all of our own per-call work
    // (decisions.md), so an attempt carries one only when it may have to abort on the wire:
    // when the caller passed a signal (ours follows it), or while an attempt that an earlier
    // timeout abandoned is still waiting for its answer. Otherwise its timeout ends it by
    // winning a race, and the abandoned request is released when its answer arrives. So with
    // a hung server, at most the requests in flight when it hung are left to finish alone.
    const controller = signal || this.#abandoned > 0 ? new AbortController() : undefined;
    const wire: WireState = { abandoned: false };
    let timedOut = false;
    let expire: ((failure: Failure) => void) | undefined;
    const end = (byTimer: boolean) => {
      timedOut = byTimer;
      if (controller) {
        controller.abort(byTimer ? undefined : signal?.reason);
      } else {
        wire.abandoned = true;
        expire?.(expiry());
      }
    };
    const disarm = watch(
      signal,
      phase === 'attempt' ? timeout.attempt : remaining,
      end,
      (ms, fire) => this.#deadlines.add(ms, fire),
    );
    // An abort that landed while the headers were being prepared fired no event for us.
    if (signal?.aborted) {
      disarm();
      end(false);
    }
    const secretsOf = () => collectSecretValues(headers, bodyValue, spec.query);
    const hooks = this.#hooks;
    try {
      if (hooks?.beforeRequest) {
        let sent: { value: unknown } | undefined;
        await this.#observe('beforeRequest', {
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
      const init: RequestInit = { method, headers, redirect: 'manual' };
      if (controller) init.signal = controller.signal;
      if (bodyText !== undefined) init.body = bodyText;
      let received: Received | Failure | undefined;
      try {
        const sending = this.#exchange(method, url, init, wire);
        // Without a signal, the timer settles this promise first when the server is slow.
        received = await (controller
          ? sending
          : new Promise<Received | Failure | undefined>((resolve, reject) => {
              expire = resolve;
              sending.then(resolve, reject);
            }));
        if (wire.abandoned) {
          // The timer won: until this request settles, later attempts carry a signal.
          this.#abandoned++;
          const settled = () => {
            this.#abandoned--;
          };
          sending.then(settled, settled);
        }
      } catch (error) {
        if (timedOut) return expiry(error);
        if (signal?.aborted) return { error: abortError(signal, method, url) };
        const secrets = secretsOf();
        const message = `${method} ${redactUrl(url)} failed: ${scrubText(describeNetworkError(error), secrets)}`;
        return {
          error: new ConnectionError(message, {
            method,
            url: redactUrl(url),
            cause: sanitizeCause(error, secrets),
          }),
        };
      }
      // (undefined: abandoned after its timeout, which has already won the race)
      if (received === undefined || 'error' in received) return received ?? expiry();
      const { response, status, headers: responseHeaders, text } = received;
      const requestId = requestIdFromHeaders(responseHeaders);
      if (hooks?.afterResponse) {
        let body: { value: unknown } | undefined;
        await this.#observe('afterResponse', {
          method,
          url: redactUrl(url),
          status,
          headers: scrubHeaderValues(redactHeaders(responseHeaders), secretsOf()),
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
        `← ${status} ${method} ${redactUrl(url)} ${Date.now() - started} ms${requestId ? ` request-id ${requestId}` : ''}`,
      );
      if (status >= 200 && status < 300) {
        const data = parseSuccess(spec, url, responseHeaders, text, secretsOf);
        return data instanceof ResponseValidationError
          ? { error: data }
          : { data, response, requestId };
      }
      const retryAfterMs = parseRetryAfter(responseHeaders);
      const error = buildApiError(
        method,
        url,
        this.#origin,
        response,
        text,
        requestId,
        retryAfterMs,
        secretsOf(),
      );
      return { error, retryAfterMs };
    } finally {
      disarm();
    }
  }

  /**
   * One attempt on the wire: fetch, following redirects only within the base URL's origin
   * (fetch would forward custom credential headers such as X-TILEDB-REST-API-KEY to any host
   * a server names), then the body as text. Throws what fetch throws.
   */
  async #exchange(
    method: HttpMethod,
    url: string,
    init: RequestInit,
    wire: WireState,
  ): Promise<Received | Failure | undefined> {
    let target = url;
    for (let hop = 0; ; hop++) {
      if (wire.abandoned) return undefined;
      // Called as a plain function: a browser's own fetch passed as `fetch: window.fetch`
      // throws "Illegal invocation" when its `this` is anything but the global object.
      const send = this.#fetch;
      const response = await send(target, init);
      if (wire.abandoned) {
        // The attempt timed out while this was on its way: nobody reads it.
        response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      const status = response.status;
      // An opaque redirect (a browser hiding where it points) is the only status 0.
      if (status === 0 && response.type === 'opaqueredirect') {
        const message = `${method} ${redactUrl(url)} was redirected, and this runtime hides where to; not followed, so the credentials stay with ${this.#origin}`;
        return { error: new ConnectionError(message, { method, url: redactUrl(url) }) };
      }
      const headers = response.headers;
      const next = hop < MAX_REDIRECTS ? redirectLocation(status, headers, target) : undefined;
      if (!next || next.origin !== this.#origin) {
        return { response, status, headers, text: await response.text() };
      }
      await response.body?.cancel();
      // 303, and 301/302 after a POST, continue as a GET without a body (as fetch would).
      if (status === 303 || (status <= 302 && init.method === 'POST')) {
        init.method = 'GET';
        delete init.body;
      }
      target = next.href;
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

const PARAM = /\{([^{}]+)\}/;
const TEMPLATE_CACHE_LIMIT = 512;
const compiledTemplates = new Map<string, string[]>();

/**
 * A path template split once into text and parameter names (`['/v2/groups/', 'namespace',
 * '/', 'name', '']`: even indexes are text, odd ones names). Templates are a client's fixed
 * strings, so each is parsed once rather than by a regex replace on every call.
 */
function compileTemplate(template: string): string[] {
  let parts = compiledTemplates.get(template);
  if (parts === undefined) {
    if (!template.startsWith('/')) {
      throw new RequestValidationError('path', [
        { path: 'path', message: `the path template must start with "/": ${template}` },
      ]);
    }
    parts = template.split(PARAM);
    if (compiledTemplates.size >= TEMPLATE_CACHE_LIMIT) compiledTemplates.clear();
    compiledTemplates.set(template, parts);
  }
  return parts;
}

/** Fills a path template; every value becomes exactly one encoded segment. */
export function buildPath(template: string, params: Record<string, string> | undefined): string {
  const parts = compileTemplate(template);
  let path = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
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
    path += encodeURIComponent(value as string) + parts[i + 1];
  }
  for (const name in params) {
    if (!parts.some((part, index) => index % 2 === 1 && part === name)) {
      throw new RequestValidationError(name, [
        { path: name, message: `not a parameter of ${template}` },
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
  headers: Headers,
  text: string,
  secretsOf: () => string[],
): T | ResponseValidationError {
  const method = spec.method;
  let data: unknown;
  if (text === '') {
    data = undefined;
  } else {
    const contentType = headers.get('content-type') ?? '';
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

/**
 * Where a 3xx response points, resolved against `from`: null when its Location is unusable,
 * undefined when it is not a redirect.
 */
function redirectLocation(status: number, headers: Headers, from: string): URL | null | undefined {
  if (!REDIRECT_STATUSES.has(status)) return undefined;
  const location = headers.get('location');
  if (!location) return undefined;
  try {
    return new URL(location, from);
  } catch {
    return null;
  }
}

/** Why a 3xx became an error: where it pointed (origin and path only), and that it was not followed. */
function redirectDetail(response: Response, url: string, origin: string): string | undefined {
  const next = redirectLocation(response.status, response.headers, url);
  if (next === undefined) return undefined;
  if (next === null) return 'redirected to an invalid location';
  return next.origin === origin
    ? `too many redirects (more than ${MAX_REDIRECTS})`
    : `redirected to ${next.origin}${next.pathname}, another origin; not followed, so the credentials are not sent there (use that host as baseUrl if you trust it)`;
}

function buildApiError(
  method: HttpMethod,
  url: string,
  origin: string,
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
  const tiledb = pickFields<TileDBErrorFields>(body, TILEDB_ERROR_FIELDS);
  const authress = pickFields<AuthressErrorFields>(body, AUTHRESS_ERROR_FIELDS);
  const requestId = headerRequestId ?? tiledb?.request_id ?? authress?.errorId;
  const detail =
    redirectDetail(response, url, origin) ??
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The API's own error fields, by the type each must have: TileDB `Error`, Authress `ResponseError`.
const TILEDB_ERROR_FIELDS = {
  code: 'number',
  message: 'string',
  request_id: 'string',
  validation_error: 'object',
};
const AUTHRESS_ERROR_FIELDS = { title: 'string', errorCode: 'string', errorId: 'string' };

/** The fields of `body` that have the type `types` names; undefined when there are none. */
function pickFields<T>(body: unknown, types: Record<string, string>): T | undefined {
  if (!isRecord(body)) return undefined;
  const out: Record<string, unknown> = {};
  let found = false;
  for (const key in types) {
    const value = body[key];
    // validation_error counts only in its documented shape: { fields: [...] }.
    if (typeof value !== types[key] || (key === 'validation_error' && !validationShape(value)))
      continue;
    out[key] = value;
    found = true;
  }
  return found ? (out as T) : undefined;
}

function validationShape(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value['fields']);
}

function abortError(signal: AbortSignal | undefined, method: string, url: string): AbortError {
  return new AbortError(`${method} ${redactUrl(url)} was aborted by the caller`, {
    cause: signal?.reason,
  });
}

function totalTimeout(total: number, method: string, url: string): TimeoutError {
  return timeoutError('total', total, method, url);
}

/** `cause` is what fetch threw when the timer aborted it; a race that was lost has none. */
function timeoutError(
  phase: 'attempt' | 'total',
  budget: number,
  method: string,
  url: string,
  cause?: unknown,
): TimeoutError {
  const where = redactUrl(url);
  return new TimeoutError(
    `${method} ${where} timed out after ${budget} ms (${phase === 'attempt' ? 'per-attempt timeout' : 'overall deadline'})`,
    { phase, timeoutMs: budget, method, url: where, cause },
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

/** Waits `ms`; resolves false instead when the caller's signal aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    watch(signal, Math.min(ms, MAX_TIMER_MS - 1), resolve);
  });
}

/** Starts a timer that calls `fire` after `ms`; returns the function that cancels it. */
type StartTimer = (ms: number, fire: () => void) => () => void;

const runtimeTimer: StartTimer = (ms, fire) => {
  if (!(ms < MAX_TIMER_MS)) return () => undefined;
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
};

/**
 * Calls `onFire(true)` when `ms` have passed (never, when `ms` is beyond a timer's range:
 * Infinity) or `onFire(false)` when `signal` aborts, whichever comes first, and only once.
 * Returns the function that disarms both. Attempts time out on the transport's shared
 * deadlines; a backoff wait or a token provider on a timer of its own.
 */
function watch(
  signal: AbortSignal | undefined,
  ms: number,
  onFire: (timedOut: boolean) => void,
  startTimer: StartTimer = runtimeTimer,
): () => void {
  const onAbort = () => {
    disarm();
    onFire(false);
  };
  const cancelTimer = startTimer(ms, () => {
    disarm();
    onFire(true);
  });
  const disarm = () => {
    cancelTimer();
    signal?.removeEventListener('abort', onAbort);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return disarm;
}
