import { readStdin } from '../args.js';
import { defineIamkitCommand } from '../command.js';
import { updateProfile } from '../config/file.js';
import { accessKeyClientId } from '../config/secrets.js';
import { asFlagValue } from '../context.js';
import { CommandError, ExitCode, UsageError } from '../errors.js';
import { ask, canPrompt } from '../prompt.js';

function firstLine(text: string): string {
  return text.replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
}

export default defineIamkitCommand({
  name: 'login',
  description: 'Save TileDB (or Authress) credentials in a profile after checking them',
  examples: [
    'iamkit login',
    'iamkit login --api-key - --host https://api.tiledb.com < token.txt',
    'printf %s "$PASSWORD" | iamkit login --username alice --password-stdin',
    'iamkit login --authress --authress-url https://acme.api.authress.io --access-key-stdin < key.txt',
  ],
  args: {
    'api-key': {
      type: 'string',
      description: 'TileDB API key, or - to read it from stdin (a literal key is visible to `ps`)',
    },
    username: { type: 'string', description: 'TileDB username (with --password-stdin)' },
    'password-stdin': { type: 'boolean', description: 'Read the TileDB password from stdin' },
    authress: { type: 'boolean', description: 'Save an Authress URL and access key instead' },
    'access-key-stdin': {
      type: 'boolean',
      description: 'Read the Authress service-client access key from stdin',
    },
  },
  async run({ args, ctx }) {
    const config = await ctx.config();
    const interactive = canPrompt(ctx.env);
    const { out } = ctx;
    const apiKeyFlag = args['api-key'];
    const usernameFlag = args.username;

    if (args.authress) {
      if (apiKeyFlag !== undefined || usernameFlag !== undefined || args['password-stdin']) {
        throw new UsageError('--authress cannot be combined with TileDB credential flags');
      }
      let url = ctx.flags.authressUrl ?? config.authressUrl;
      let accessKey: string | undefined;
      if (args['access-key-stdin']) accessKey = firstLine(await readStdin()).trim();
      if (!url && interactive) url = await ask('Authress API URL: ');
      if (!url) throw new UsageError('missing the Authress URL: pass --authress-url');
      if (accessKey === undefined && interactive) {
        accessKey = await ask('Authress service-client access key: ', { secret: true });
      }
      if (!accessKey) {
        throw new UsageError('missing the access key: pass --access-key-stdin and pipe it in');
      }
      const { PermissionDeniedError } = await import('@iamkit/transport');
      // The URL and key are this command's arguments: a usage error, nothing saved.
      const options = await asFlagValue(true, '', () => ctx.authressWith(url, accessKey));
      const baseUrl = options.baseUrl;
      // One cheap call before saving, as the TileDB login does: a key the account does not
      // know is a 401 here (exit 4, nothing saved). A 403 still proves the key is known.
      const { AuthressGroupsClient } = await import('@iamkit/authress');
      try {
        await new AuthressGroupsClient(options).getGroups({ limit: 1 }, { signal: ctx.signal });
      } catch (error) {
        if (!(error instanceof PermissionDeniedError)) throw error;
      }
      await updateProfile(ctx.configPath, config.profile, {
        'authress.url': baseUrl,
        'authress.access_key': accessKey,
      });
      out.success(
        `Saved Authress service client ${accessKeyClientId(accessKey) ?? '(unnamed)'} for ${baseUrl} in profile ${config.profile}`,
      );
      return;
    }

    if (args['access-key-stdin']) throw new UsageError('--access-key-stdin needs --authress');
    if (apiKeyFlag !== undefined && (usernameFlag !== undefined || args['password-stdin'])) {
      throw new UsageError('give either --api-key or --username with --password-stdin, not both');
    }
    if (args['password-stdin'] && usernameFlag === undefined) {
      throw new UsageError('--password-stdin needs --username');
    }

    // Bad TILEDB_REST_* values are refused as every TileDB command refuses them.
    if (config.tiledbEnvError) throw config.tiledbEnvError;
    let host = ctx.flags.host ?? config.tiledbHost;
    let apiKey = apiKeyFlag === '-' ? firstLine(await readStdin()).trim() : apiKeyFlag;
    let username = usernameFlag;
    let password: string | undefined;
    if (args['password-stdin']) password = firstLine(await readStdin());

    if (apiKey === undefined && username === undefined) {
      if (!interactive) {
        throw new UsageError(
          'no credentials given and stdin is not a terminal',
          'pass --api-key KEY, or --username NAME --password-stdin',
        );
      }
      const enteredHost = await ask(`TileDB host [${host}]: `);
      if (enteredHost) host = enteredHost;
      const key = await ask('API key (leave empty to sign in with a username and password): ', {
        secret: true,
      });
      if (key) apiKey = key;
      else {
        username = await ask('Username: ');
        if (!username) throw new UsageError('a username is needed');
      }
    }
    if (username !== undefined && password === undefined) {
      if (!interactive) throw new UsageError('--username needs --password-stdin');
      password = await ask('Password: ', { secret: true });
    }
    if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key is empty');
    if (username !== undefined && !password) throw new UsageError('the password is empty');

    const { apiKeyAuth, basicAuth } = await import('@iamkit/transport');
    const { fetchCurrentUser, usernameOf } = await import('../user.js');
    const auth =
      apiKey !== undefined
        ? apiKeyAuth(apiKey)
        : basicAuth({ username: username ?? '', password: password ?? '' });
    // Typed here (flag or prompt): a host that cannot be used is a usage error.
    const options = await asFlagValue(true, '--host', () => ctx.tiledbWith(host, auth));
    let user: Awaited<ReturnType<typeof fetchCurrentUser>>;
    try {
      user = await fetchCurrentUser(options, ctx.signal);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) {
        throw new CommandError(
          `${options.baseUrl} rejected these credentials; nothing was saved`,
          ExitCode.auth,
          apiKey !== undefined ? 'check the API key' : 'check the username and password',
        );
      }
      throw error;
    }
    await updateProfile(ctx.configPath, config.profile, {
      'tiledb.host': options.baseUrl,
      'tiledb.api_key': apiKey,
      'tiledb.username': apiKey !== undefined ? undefined : username,
      'tiledb.password': apiKey !== undefined ? undefined : password,
    });
    const who = usernameOf(user) ?? username ?? 'unknown user';
    if (out.mode === 'json') out.json(user);
    out.success(`Logged in to ${options.baseUrl} as ${who} (profile ${config.profile})`);
    if (config.tiledbCredentials?.layer === 'env') {
      out.warn(
        `credentials in the environment (${config.tiledbCredentials?.source}) still take precedence over the profile`,
      );
    }
  },
});
