/**
 * What a command's `run` receives as `ctx`: global flags, output helpers, the resolved
 * configuration with sources, and ready `ClientOptions` for TileDB and Authress.
 * Everything that costs (reading files, loading the transport) happens on first
 * use, so `--help` and `--version` pay nothing.
 */
import { homedir } from 'node:os';
import type { AuthStrategy, ClientOptions, ResponseEvent } from '@iamkit/transport';
import { configPath } from './config/file.js';
import { type ResolvedConfig, resolveConfig } from './config/resolve.js';
import { describeAccessKey } from './config/secrets.js';
import { NotLoggedInError, UsageError } from './errors.js';
import type { GlobalFlags } from './globals.js';
import { Output } from './output.js';

export interface Context {
  readonly flags: GlobalFlags;
  readonly env: Record<string, string | undefined>;
  readonly homeDir: string;
  readonly out: Output;
  /** Aborted on Ctrl-C: pass it to client calls as `signal`. */
  readonly signal: AbortSignal;
  /** Path of the profiles file in use. */
  readonly configPath: string;
  /** Settings after precedence (flags > env > profile > cloud.json > defaults). Cached. */
  config(): Promise<ResolvedConfig>;
  /** `ClientOptions` for a TileDB client (groups, orgs, credentials). Throws when logged out. */
  tiledb(): Promise<ClientOptions & { baseUrl: string }>;
  /** `ClientOptions` for the Authress client. Throws when no URL or access key is set. */
  authress(): Promise<ClientOptions & { baseUrl: string }>;
  /** Like `tiledb()` but with explicit auth (login checks credentials before saving them). */
  tiledbWith(host: string, auth: AuthStrategy): Promise<ClientOptions & { baseUrl: string }>;
  /** Like `authress()` with an explicit URL and access key (login checks them before saving). */
  authressWith(url: string, accessKey: string): Promise<ClientOptions & { baseUrl: string }>;
  /**
   * The body of the last successful response exactly as the API sent it (parsed JSON), for
   * `--json` where a client method returns a friendlier shape (decoded group metadata).
   */
  lastResponseBody(): unknown;
}

export interface SessionInput {
  flags: GlobalFlags;
  env: Record<string, string | undefined>;
  homeDir?: string;
  version: string;
  signal: AbortSignal;
}

let session: Context | undefined;

/** Called once by main(); commands get the same instance through `currentContext()`. */
export function startSession(input: SessionInput): Context {
  session = createContext(input);
  return session;
}

export function currentContext(): Context {
  if (!session) throw new Error('iamkit: no session; commands run through main()');
  return session;
}

export function createContext(input: SessionInput): Context {
  const homeDir = input.env['HOME'] || input.homeDir || homedir();
  const out = new Output({ json: input.flags.json, color: input.flags.color, env: input.env });
  const path = configPath(input.env, homeDir);
  let resolved: Promise<ResolvedConfig> | undefined;
  // The product token only: the transport appends `iamkit-transport/x node/y` itself.
  const userAgent = `iamkit-cli/${input.version}`;

  const config = () => {
    resolved ??= resolveConfig({
      flags: {
        ...(input.flags.host !== undefined && { host: input.flags.host }),
        ...(input.flags.authressUrl !== undefined && { authressUrl: input.flags.authressUrl }),
        ...(input.flags.profile !== undefined && { profile: input.flags.profile }),
      },
      env: input.env,
      homeDir,
      configPath: path,
    }).then((cfg) => {
      // Once per run, however often the config is asked for.
      if (cfg.cloudJson.ignored !== undefined) {
        out.warn(`ignoring ${cfg.cloudJson.source}: ${cfg.cloudJson.ignored}`);
      }
      return cfg;
    });
    return resolved;
  };

  // Kept as the event, so its body is parsed only when a command asks for it.
  let lastSuccess: ResponseEvent | undefined;
  const common = async (): Promise<Omit<ClientOptions, 'baseUrl' | 'auth'>> => {
    const debug = input.flags.debug ? (await import('./debug.js')).debugHooks(out) : undefined;
    return {
      userAgent,
      hooks: {
        ...debug,
        async afterResponse(event) {
          if (event.status >= 200 && event.status < 300) lastSuccess = event;
          await debug?.afterResponse?.(event);
        },
      },
    };
  };

  const tiledbWith = async (host: string, auth: AuthStrategy) => {
    const { normalizeTileDBHost } = await import('@iamkit/transport');
    return { ...(await common()), baseUrl: normalizeTileDBHost(host), auth };
  };

  const authressWith = async (url: string, accessKey: string) => {
    const { authressAccessKeyAuth, parseBaseUrl } = await import('@iamkit/transport');
    const { origin, path } = parseBaseUrl(url, 'The Authress URL');
    const baseUrl = origin + path;
    const auth = authressAccessKeyAuth(accessKey, { authressApiUrl: baseUrl });
    return { ...(await common()), baseUrl, auth };
  };

  return {
    flags: input.flags,
    env: input.env,
    homeDir,
    out,
    signal: input.signal,
    configPath: path,
    config,
    tiledbWith,
    authressWith,
    lastResponseBody: () => lastSuccess?.body,
    async tiledb() {
      const cfg = await config();
      requireChosenProfile(cfg);
      if (cfg.tiledbEnvError) throw cfg.tiledbEnvError;
      const creds = cfg.tiledbCredentials;
      if (!creds) {
        throw new NotLoggedInError(
          `no TileDB credentials for profile "${cfg.profile}"`,
          'run `iamkit login`, or set TILEDB_REST_TOKEN',
        );
      }
      const { apiKeyAuth, basicAuth, redactUrl } = await import('@iamkit/transport');
      if (input.flags.debug) {
        const what = creds.kind === 'api_key' ? 'API key' : `username ${creds.username}`;
        // The host may carry a password (`--host https://u:pw@h`); it is refused below, but
        // this line comes first.
        out.error(
          out.errStyle.dim(
            `debug: profile ${cfg.profile} (${cfg.profileSource}); TileDB host ${redactUrl(cfg.tiledbHost)} (${cfg.settings['tiledb.host'].source}); ${what} (${creds.source})`,
          ),
        );
      }
      const auth =
        creds.kind === 'api_key'
          ? apiKeyAuth(creds.apiKey)
          : basicAuth({ username: creds.username, password: creds.password });
      return asFlagValue(cfg.settings['tiledb.host'].kind === 'flag', '--host', () =>
        tiledbWith(cfg.tiledbHost, auth),
      );
    },
    async authress() {
      const cfg = await config();
      requireChosenProfile(cfg);
      if (!cfg.authressUrl) {
        throw new NotLoggedInError(
          `no Authress URL for profile "${cfg.profile}"`,
          'run `iamkit login --authress`, or set AUTHRESS_URL and AUTHRESS_ACCESS_KEY',
        );
      }
      if (!cfg.authressAccessKey) {
        throw new NotLoggedInError(
          `no Authress access key for profile "${cfg.profile}"`,
          'run `iamkit login --authress`, or set AUTHRESS_ACCESS_KEY',
        );
      }
      const { redactUrl } = await import('@iamkit/transport');
      if (input.flags.debug) {
        out.error(
          out.errStyle.dim(
            `debug: profile ${cfg.profile} (${cfg.profileSource}); Authress ${redactUrl(cfg.authressUrl)} (${cfg.settings['authress.url'].source}); access key ${describeAccessKey(cfg.authressAccessKey)} (${cfg.settings['authress.access_key'].source})`,
          ),
        );
      }
      const { authressUrl, authressAccessKey } = cfg;
      return asFlagValue(cfg.settings['authress.url'].kind === 'flag', '--authress-url', () =>
        authressWith(authressUrl, authressAccessKey),
      );
    },
  };
}

/**
 * A value given as a flag that cannot be used is the command's argument error (exit 2, with
 * the help hint), prefixed with `flag` when there is one; from the environment or a file it
 * stays a ConfigError (exit 1).
 */
export async function asFlagValue<T>(
  fromFlag: boolean,
  flag: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (fromFlag && error instanceof Error && error.name === 'ConfigError') {
      throw new UsageError(flag ? `${flag}: ${error.message}` : error.message);
    }
    throw error;
  }
}

/**
 * A profile chosen by name (`--profile`, `IAMKIT_PROFILE`) must exist before a command calls
 * an API with it: a misspelt name would otherwise fall through to the environment's or
 * cloud.json's credentials and act as someone else. `login` and `config set` create profiles
 * and do not come here.
 */
export function requireChosenProfile(cfg: ResolvedConfig): void {
  if (cfg.saved || cfg.profileSource === 'default' || cfg.profile === 'default') return;
  const saved =
    cfg.profiles.length > 0 ? `saved profiles: ${cfg.profiles.join(', ')}` : 'none saved yet';
  throw new NotLoggedInError(
    `profile "${cfg.profile}" (${cfg.profileSource}) does not exist in ${cfg.configPath}`,
    `run \`iamkit login --profile ${cfg.profile}\` to create it (${saved})`,
  );
}
