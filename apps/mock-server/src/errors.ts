/**
 * One error class for every refusal a route makes. Routes throw it; the app's error
 * handler renders it in the calling API's own shape (TileDB `{code, message, request_id}`,
 * Authress `{title, errorCode, errorId}`), so domain code never builds error bodies.
 */

export type ApiKind = 'tiledb' | 'authress' | 'admin';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `users[3].userId` (empty for the body itself). */
  field: string;
  message: string;
}

export interface ApiErrorOptions {
  /** Authress `errorCode`; defaults to one derived from the status. */
  errorCode?: string;
  /** TileDB numeric `code`; defaults to the HTTP status. */
  tiledbCode?: number;
  /** Field-level validation issues (rendered as v4 `validation_error.fields`). */
  fields?: FieldIssue[];
  /** Extra response headers, e.g. `Allow` or `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

const DEFAULT_ERROR_CODES: Record<number, string> = {
  400: 'InvalidRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly tiledbCode: number;
  readonly fields: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.errorCode = options.errorCode ?? DEFAULT_ERROR_CODES[status] ?? `Http${status}`;
    this.tiledbCode = options.tiledbCode ?? status;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (message: string, fields?: FieldIssue[]) =>
  new ApiError(400, message, fields ? { fields } : {});
export const unauthorized = (message = 'Missing or invalid credentials') =>
  new ApiError(401, message);
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);
export const preconditionFailed = (message: string) => new ApiError(412, message);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, `Request body is larger than the ${formatBytes(limit)} limit`);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** The body of an error in the given API's shape. */
export function errorBody(api: ApiKind, error: ApiError, requestId: string, path: string) {
  if (api === 'authress') {
    return { title: error.message, errorCode: error.errorCode, errorId: requestId };
  }
  const body: Record<string, unknown> = {
    code: error.tiledbCode,
    message: error.message,
    request_id: requestId,
  };
  // v4 adds `validation_error`; older surfaces ignore unknown keys, but keep them tidy.
  if (error.fields && error.fields.length > 0 && path.startsWith('/v4/')) {
    body['validation_error'] = {
      fields: error.fields.map((f) => ({ field: f.field, message: f.message })),
    };
  }
  return body;
}

/** Which API a path belongs to, for requests that matched no route. */
export function apiForPath(path: string): ApiKind {
  if (path === '/authress' || path.startsWith('/authress/')) return 'authress';
  if (path.startsWith('/__admin')) return 'admin';
  return 'tiledb';
}
