export {
  type AuthContext,
  type AuthStrategy,
  apiKeyAuth,
  basicAuth,
  bearerAuth,
  type SecretProvider,
  TILEDB_API_KEY_HEADER,
} from './auth.js';
export {
  AUTHRESS_TOKEN_LIFETIME_SECONDS,
  AUTHRESS_TOKEN_REFRESH_SECONDS,
  type AuthressAccessKeyAuth,
  type AuthressAccessKeyAuthOptions,
  authressAccessKeyAuth,
} from './authress-auth.js';
export {
  type CloudJson,
  CloudJsonSchema,
  type ResolvedTileDBConfig,
  type ResolveTileDBConfigInput,
  resolveTileDBConfig,
  type TileDBConfigSource,
  type TileDBExplicitConfig,
} from './config.js';
export {
  AbortError,
  type AccessKeyPart,
  APIError,
  type APIErrorInit,
  AuthenticationError,
  type AuthressErrorFields,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  IamkitError,
  InternalServerError,
  InvalidAccessKeyError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  type TileDBErrorFields,
  TimeoutError,
  UnprocessableEntityError,
  type ValidationIssue,
} from './errors.js';
export { DEFAULT_TILEDB_HOST, normalizeTileDBHost } from './host.js';
export {
  type CursorPage,
  cursorPaginator,
  type PageNumberPage,
  type Paginator,
  pageNumberPaginator,
} from './pagination.js';
export { isSecretKey, REDACTED, redactHeaders, redactSecrets, redactUrl } from './redact.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export {
  type ClientOptions,
  DEFAULT_TIMEOUT,
  type ErrorEvent,
  type HttpMethod,
  type RequestEvent,
  type RequestSpec,
  type ResponseEvent,
  type ResponseWithData,
  type RetryEvent,
  type TimeoutOption,
  Transport,
  type TransportHooks,
  type TransportOptions,
} from './transport.js';
export { type BaseUrl, parseBaseUrl } from './url.js';
export {
  formatIssuePath,
  requestValidationError,
  toValidationIssues,
  validateRequest,
} from './validate.js';
export { VERSION } from './version.js';
