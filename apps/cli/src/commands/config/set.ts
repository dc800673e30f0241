import { readStdin } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import { SECRET_SETTINGS, type SettingKey, updateProfile } from '../../config/file.js';
import { UsageError } from '../../errors.js';
import { KEY_DESCRIPTION, settingKey } from './keys.js';

/**
 * The value to store, normalized. A value that cannot be used is the caller's argument
 * error (exit 2, with the `config set --help` hint), whichever check refused it.
 */
async function validated(key: SettingKey, value: string): Promise<string> {
  try {
    if (key === 'tiledb.host') {
      const { normalizeTileDBHost } = await import('@iamkit/transport');
      return normalizeTileDBHost(value);
    }
    if (key === 'authress.url') {
      // The rules the Authress client applies (a bare host means https; no credentials,
      // query or fragment), checked now rather than on the first command that uses it.
      const { parseBaseUrl } = await import('@iamkit/transport');
      const { origin, path } = parseBaseUrl(value, 'The Authress URL');
      return origin + path;
    }
    if (key === 'authress.access_key') {
      const { authressAccessKeyAuth } = await import('@iamkit/transport');
      // Parses the key (throws InvalidAccessKeyError, which never quotes it).
      authressAccessKeyAuth(value, { authressApiUrl: 'https://example.api.authress.io' });
    }
    return value;
  } catch (error) {
    const name = error instanceof Error ? error.name : undefined;
    if (name === 'ConfigError' || name === 'InvalidAccessKeyError') {
      throw new UsageError(`invalid ${key}: ${(error as Error).message}`);
    }
    throw error;
  }
}

export default defineIamkitCommand({
  name: 'set',
  description: 'Save a setting in the profile (use - as VALUE to read a secret from stdin)',
  examples: [
    'iamkit config set tiledb.host https://api.tiledb.com',
    'iamkit config set authress.url https://acme.api.authress.io --profile work',
    'iamkit config set authress.access_key - < access-key.txt',
  ],
  args: {
    key: { type: 'positional', description: KEY_DESCRIPTION, required: true },
    value: {
      type: 'positional',
      description: 'The value, or - to read it from stdin',
      required: true,
    },
  },
  async run({ args, ctx }) {
    const key = settingKey(args.key);
    let value = args.value;
    if (value === '-') value = (await readStdin()).replace(/\r?\n$/, '');
    else if (SECRET_SETTINGS.has(key)) {
      ctx.out.warn(
        `a secret on the command line lands in shell history and \`ps\`; next time use \`iamkit config set ${key} -\` and pipe it in`,
      );
    }
    if (value === '')
      throw new UsageError(`the value for ${key} is empty; use \`iamkit config unset ${key}\``);
    if (/[\r\n]/.test(value)) throw new UsageError(`the value for ${key} must be one line`);
    value = await validated(key, value);
    const config = await ctx.config();
    await updateProfile(ctx.configPath, config.profile, { [key]: value });
    const shown = SECRET_SETTINGS.has(key) ? '(secret)' : value;
    ctx.out.success(`Set ${key} to ${shown} in profile ${config.profile}`);
  },
});
