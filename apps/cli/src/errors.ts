/**
 * Errors the CLI raises itself, and the one mapping from any error to an exit code,
 * a one-line message, a request id and a hint. Matching is by `name`/`code`/`status`
 * rather than `instanceof`, so this module never has to load the transport
 * just to report an error, and it works across duplicated package copies.
 */

/** Exit codes, documented in README.md. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  server: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad arguments or flags: exit 2, and the help hint for the command. */
export class UsageError extends Error {
  readonly code = 'usage_error';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** No credentials for the API a command needs: exit 4 with a login hint. */
export class NotLoggedInError extends Error {
  readonly code = 'not_logged_in';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'NotLoggedInError';
  }
}

/**
 * Ends a command with a non-zero exit code and nothing on stderr: the code is the answer
 * (`groups exists` exits 3 for "no"), and the command has already said what it had to.
 */
export class AnswerExit extends Error {
  readonly code = 'answer_exit';
  constructor(readonly exitCode: ExitCode) {
    super(`exit code ${exitCode}`);
    this.name = 'AnswerExit';
  }
}

/** A failure the command already explained (message + exit code), e.g. "group not found". */
export class CommandError extends Error {
  readonly code = 'command_error';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.error,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface ErrorReport {
  exitCode: ExitCode;
  message: string;
  requestId?: string;
  hint?: string;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  message?: unknown;
  requestId?: unknown;
  hint?: unknown;
  exitCode?: unknown;
  path?: unknown;
  method?: unknown;
  url?: unknown;
  tiledb?: { message?: unknown; request_id?: unknown };
  authress?: { title?: unknown; errorCode?: unknown; errorId?: unknown };
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function apiDetail(err: ErrorLike): string | undefined {
  return str(err.tiledb?.message) ?? str(err.authress?.title) ?? undefined;
}

function statusExitCode(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.auth;
  if (status === 404) return ExitCode.notFound;
  if (status === 429 || status >= 500) return ExitCode.server;
  return ExitCode.error;
}

function statusHint(status: number, name: string | undefined): string | undefined {
  if (status === 401)
    return 'check your credentials: run `iamkit login`, or see `iamkit config list`';
  if (status === 403)
    return 'you are signed in but not allowed to do this; `iamkit whoami` shows who you are';
  if (status === 429 || name === 'RateLimitError')
    return 'the server is rate limiting; try again later';
  if (status >= 500) return 'the server failed; try again, and run with --debug to see the request';
  return undefined;
}

/** One line: an error line spread over several (an OpenSSL dump, say) reads as two errors. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** The error's own code or that of any cause (undici keeps the TLS code on the cause). */
function hasCode(error: unknown, code: string): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === code || e.message.includes(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** "did you mean http://HOST:PORT?" for a plain-HTTP server reached with https. */
function tlsHint(err: ErrorLike & Error): string | undefined {
  if (!hasCode(err, 'ERR_SSL_WRONG_VERSION_NUMBER')) return undefined;
  let host = 'HOST:PORT';
  try {
    if (typeof err.url === 'string') host = new URL(err.url).host;
  } catch {
    // keep the placeholder
  }
  return `the server does not speak TLS; did you mean http://${host}?`;
}

/** Maps any thrown value to what the user sees and the process exit code. */
export function reportError(error: unknown): ErrorReport {
  const report = describeError(error);
  const message = oneLine(report.message);
  const hint = report.hint === undefined ? undefined : oneLine(report.hint);
  return { ...report, message, ...(hint !== undefined && { hint }) };
}

function describeError(error: unknown): ErrorReport {
  if (!(error instanceof Error)) {
    return { exitCode: ExitCode.error, message: String(error) };
  }
  const err = error as ErrorLike & Error;
  const name = str(err.name);
  const requestId = str(err.requestId) ?? str(err.tiledb?.request_id) ?? str(err.authress?.errorId);
  const withId = (report: ErrorReport): ErrorReport =>
    requestId ? { ...report, requestId } : report;
  const hint = str(err.hint);
  const base = (exitCode: ExitCode, message = err.message, h = hint): ErrorReport =>
    withId(h ? { exitCode, message, hint: h } : { exitCode, message });

  switch (name) {
    case 'UsageError':
      return base(ExitCode.usage);
    case 'CLIError': // citty: missing positional, unknown command, ...
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips citty's ANSI colours
      return base(ExitCode.usage, err.message.replace(/\u001b\[[0-9;]*m/g, ''));
    case 'NotLoggedInError':
      return base(ExitCode.auth);
    case 'CommandError':
      return base(typeof err.exitCode === 'number' ? (err.exitCode as ExitCode) : ExitCode.error);
    case 'InvalidTileDBUriError':
      return base(ExitCode.usage);
    case 'RequestValidationError':
      return base(ExitCode.usage);
    case 'InvalidAccessKeyError':
      return base(
        ExitCode.auth,
        err.message,
        'an Authress access key looks like clientId.keyId.accountId.privateKey; see `iamkit config list`',
      );
    case 'ConfigError':
      return base(ExitCode.error, err.message, hint ?? 'see `iamkit config list`');
    case 'ConnectionError':
      return base(
        ExitCode.server,
        err.message,
        hint ??
          tlsHint(err) ??
          'check the host and your network; `iamkit config list` shows the host in use',
      );
    case 'TimeoutError':
      return base(ExitCode.server, err.message, hint ?? 'the server did not answer in time');
    case 'ResponseValidationError':
      return base(
        ExitCode.server,
        err.message,
        'the server answered with an unexpected body; run with --debug to see it',
      );
    case 'AbortError':
      return base(ExitCode.interrupted);
  }
  if (typeof err.status === 'number') {
    const detail = apiDetail(err);
    const message =
      detail && !err.message.includes(detail) ? `${err.message}: ${detail}` : err.message;
    return base(statusExitCode(err.status), message, hint ?? statusHint(err.status, name));
  }
  return base(ExitCode.error);
}
