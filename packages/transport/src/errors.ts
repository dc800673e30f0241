/**
 * One error hierarchy for every client. Each class has a stable `code`, keeps the original
 * failure in `cause`, and renders through `toJSON` and `util.inspect` without secrets: the
 * transport only ever stores redacted headers, URLs and bodies on an error.
 */
import { redactSecrets } from './redact.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

type InspectFn = (value: unknown, options?: unknown) => string;

/** One problem with caller input or a server response, safe to print. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `users[3].userId`; empty for the root. */
  readonly path: string;
  readonly message: string;
  /** What the schema expected, when valibot says so. */
  readonly expected?: string;
}

export interface IamkitErrorOptions {
  cause?: unknown;
}

/** Base class of every error iamkit throws. */
export class IamkitError extends Error {
  override readonly name: string = 'IamkitError';
  readonly code: string = 'iamkit_error';
  /** How many HTTP attempts were made before this error, when it came from a request. */
  attempts: number | undefined;

  constructor(message: string, options?: IamkitErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
  }

  /** The fields worth showing besides name, code and message; all already redacted. */
  protected details(): Record<string, unknown> {
    return {};
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const [key, value] of Object.entries(this.details())) {
      if (value !== undefined) out[key] = value;
    }
    if (this.attempts !== undefined) out['attempts'] = this.attempts;
    if (this.cause !== undefined) out['cause'] = describeCause(this.cause);
    return out;
  }

  [inspectSymbol](_depth: number, options: unknown, inspect?: InspectFn): string {
    const json = this.toJSON();
    delete json['name'];
    delete json['message'];
    delete json['cause'];
    const render = inspect ?? ((value: unknown) => JSON.stringify(value, null, 2));
    let out = `${this.stack ?? `${this.name}: ${this.message}`} ${render(json, options)}`;
    if (this.cause !== undefined) {
      const cause = this.cause instanceof IamkitError ? this.cause : describeCause(this.cause);
      out += `\n  [cause]: ${render(cause, options)}`;
    }
    return out;
  }
}

function describeCause(cause: unknown): unknown {
  if (cause instanceof IamkitError) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const nested = cause.cause instanceof Error ? describeCause(cause.cause) : undefined;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(nested ? { cause: nested } : {}),
    };
  }
  return redactSecrets(cause);
}

/** What the TileDB error body says (v1/v2 `Error`, v4 `Error`). */
export interface TileDBErrorFields {
  code?: number;
  message?: string;
  request_id?: string;
  validation_error?: { fields: Array<{ field: string; message: string }> };
}

/** What the Authress error body says (`ResponseError`). */
export interface AuthressErrorFields {
  title?: string;
  errorCode?: string;
  errorId?: string;
}

export interface APIErrorInit {
  status: number;
  method: string;
  /** Already redacted. */
  url: string;
  /** Response headers, lower-cased and redacted. */
  headers: Record<string, string>;
  /** Parsed JSON (secrets redacted) or text of the body; undefined when empty. */
  body: unknown;
  requestId?: string | undefined;
  tiledb?: TileDBErrorFields | undefined;
  authress?: AuthressErrorFields | undefined;
  retryAfterMs?: number | undefined;
  message: string;
  cause?: unknown;
}

/** The server answered with a status outside 2xx. */
export class APIError extends IamkitError {
  override readonly name: string = 'APIError';
  override readonly code: string = 'api_error';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly requestId: string | undefined;
  readonly tiledb: TileDBErrorFields | undefined;
  readonly authress: AuthressErrorFields | undefined;

  constructor(init: APIErrorInit) {
    super(init.message, 'cause' in init ? { cause: init.cause } : undefined);
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.body = init.body;
    this.requestId = init.requestId;
    this.tiledb = init.tiledb;
    this.authress = init.authress;
  }

  protected override details(): Record<string, unknown> {
    return {
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      tiledb: this.tiledb,
      authress: this.authress,
      body: this.body,
    };
  }
}

export class BadRequestError extends APIError {
  override readonly name: string = 'BadRequestError';
  override readonly code: string = 'bad_request';
}
export class AuthenticationError extends APIError {
  override readonly name: string = 'AuthenticationError';
  override readonly code: string = 'authentication';
}
export class PermissionDeniedError extends APIError {
  override readonly name: string = 'PermissionDeniedError';
  override readonly code: string = 'permission_denied';
}
export class NotFoundError extends APIError {
  override readonly name: string = 'NotFoundError';
  override readonly code: string = 'not_found';
}
export class ConflictError extends APIError {
  override readonly name: string = 'ConflictError';
  override readonly code: string = 'conflict';
}
export class PreconditionFailedError extends APIError {
  override readonly name: string = 'PreconditionFailedError';
  override readonly code: string = 'precondition_failed';
}
export class PayloadTooLargeError extends APIError {
  override readonly name: string = 'PayloadTooLargeError';
  override readonly code: string = 'payload_too_large';
}
export class UnprocessableEntityError extends APIError {
  override readonly name: string = 'UnprocessableEntityError';
  override readonly code: string = 'unprocessable_entity';
}
/** 429. `retryAfterMs` is what the server asked for (`Retry-After`, `retry-after-ms`), if anything. */
export class RateLimitError extends APIError {
  override readonly name: string = 'RateLimitError';
  override readonly code: string = 'rate_limit';
  readonly retryAfterMs: number | undefined;
  constructor(init: APIErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
  protected override details(): Record<string, unknown> {
    return { ...super.details(), retryAfterMs: this.retryAfterMs };
  }
}
/** Any 5xx. */
export class InternalServerError extends APIError {
  override readonly name: string = 'InternalServerError';
  override readonly code: string = 'internal_server';
}

const STATUS_CLASSES: Record<number, new (init: APIErrorInit) => APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The APIError subclass for a status. */
export function apiErrorFor(init: APIErrorInit): APIError {
  const ErrorClass =
    STATUS_CLASSES[init.status] ?? (init.status >= 500 ? InternalServerError : APIError);
  return new ErrorClass(init);
}

/** No HTTP response arrived: DNS, refused or reset connection, TLS, a body cut short. */
export class ConnectionError extends IamkitError {
  override readonly name: string = 'ConnectionError';
  override readonly code: string = 'connection';
  readonly method: string | undefined;
  readonly url: string | undefined;
  constructor(message: string, init: { method?: string; url?: string; cause?: unknown } = {}) {
    super(message, 'cause' in init ? { cause: init.cause } : undefined);
    this.method = init.method;
    this.url = init.url;
  }
  protected override details(): Record<string, unknown> {
    return { method: this.method, url: this.url };
  }
}

/** An attempt (`phase: 'attempt'`) or the whole call with its retries (`'total'`) ran out of time. */
export class TimeoutError extends IamkitError {
  override readonly name: string = 'TimeoutError';
  override readonly code: string = 'timeout';
  readonly phase: 'attempt' | 'total';
  readonly timeoutMs: number;
  readonly method: string | undefined;
  readonly url: string | undefined;
  constructor(
    message: string,
    init: {
      phase: 'attempt' | 'total';
      timeoutMs: number;
      method?: string;
      url?: string;
      /** What fetch threw when the timer aborted it. */
      cause?: unknown;
    },
  ) {
    super(message, 'cause' in init ? { cause: init.cause } : undefined);
    this.phase = init.phase;
    this.timeoutMs = init.timeoutMs;
    this.method = init.method;
    this.url = init.url;
  }
  protected override details(): Record<string, unknown> {
    return { phase: this.phase, timeoutMs: this.timeoutMs, method: this.method, url: this.url };
  }
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class AbortError extends IamkitError {
  override readonly name: string = 'AbortError';
  override readonly code: string = 'aborted';
}

/** Caller input failed validation; nothing was sent. `path` names the first bad field. */
export class RequestValidationError extends IamkitError {
  override readonly name: string = 'RequestValidationError';
  override readonly code: string = 'request_validation';
  readonly path: string;
  readonly issues: readonly ValidationIssue[];
  constructor(
    path: string,
    issues: readonly ValidationIssue[],
    options: { message?: string; cause?: unknown } = {},
  ) {
    super(
      options.message ?? `Invalid request: ${issues.map(formatIssue).join('; ') || path}`,
      'cause' in options ? { cause: options.cause } : undefined,
    );
    this.path = path;
    this.issues = issues;
  }
  protected override details(): Record<string, unknown> {
    return { path: this.path, issues: this.issues };
  }
}

function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** The server answered 2xx with a body that is not what the operation promises. */
export class ResponseValidationError extends IamkitError {
  override readonly name: string = 'ResponseValidationError';
  override readonly code: string = 'response_validation';
  /** The raw value received (the parsed JSON, or the text when it was not JSON). */
  readonly value: unknown;
  readonly issues: readonly ValidationIssue[];
  readonly method: string | undefined;
  readonly url: string | undefined;
  constructor(
    value: unknown,
    issues: readonly ValidationIssue[],
    init: { method?: string; url?: string; message?: string; cause?: unknown } = {},
  ) {
    super(
      init.message ??
        `Unexpected response${init.method ? ` to ${init.method} ${init.url ?? ''}` : ''}: ${issues
          .slice(0, 5)
          .map(formatIssue)
          .join('; ')}`,
      'cause' in init ? { cause: init.cause } : undefined,
    );
    this.value = value;
    this.issues = issues;
    this.method = init.method;
    this.url = init.url;
  }
  protected override details(): Record<string, unknown> {
    return {
      method: this.method,
      url: this.url,
      issues: this.issues,
      value: redactSecrets(this.value),
    };
  }
}

/** Configuration is missing or wrong: a bad host, an empty key, an unreadable cloud.json. */
export class ConfigError extends IamkitError {
  override readonly name: string = 'ConfigError';
  override readonly code: string = 'config';
}

/** Which part of `clientId.keyId.accountId.privateKey` is wrong. */
export type AccessKeyPart = 'format' | 'clientId' | 'keyId' | 'accountId' | 'privateKey';

/** An Authress service-client access key could not be read. The key itself is never included. */
export class InvalidAccessKeyError extends ConfigError {
  override readonly name: string = 'InvalidAccessKeyError';
  override readonly code: string = 'invalid_access_key';
  readonly part: AccessKeyPart;
  constructor(part: AccessKeyPart, message: string, options?: IamkitErrorOptions) {
    super(message, options);
    this.part = part;
  }
  protected override details(): Record<string, unknown> {
    return { part: this.part };
  }
}
