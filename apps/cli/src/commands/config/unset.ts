import { defineIamkitCommand } from '../../command.js';
import { updateProfile } from '../../config/file.js';
import { requireChosenProfile } from '../../context.js';
import { KEY_DESCRIPTION, settingKey } from './keys.js';

export default defineIamkitCommand({
  name: 'unset',
  description: 'Remove a setting from the profile',
  examples: ['iamkit config unset tiledb.host', 'iamkit config unset authress.url --profile work'],
  args: { key: { type: 'positional', description: KEY_DESCRIPTION, required: true } },
  async run({ args, ctx }) {
    const key = settingKey(args.key);
    const config = await ctx.config();
    // A misspelt --profile must not pass silently (nor, as it once did, create the profile).
    requireChosenProfile(config);
    if (config.saved?.[key] === undefined) {
      ctx.out.info(`${key} is not set in profile ${config.profile}; nothing to do.`);
      return;
    }
    await updateProfile(ctx.configPath, config.profile, { [key]: undefined });
    ctx.out.success(`Removed ${key} from profile ${config.profile}`);
  },
});
