import { defineIamkitCommand } from '../../command.js';
import { updateProfile } from '../../config/file.js';
import { KEY_DESCRIPTION, settingKey } from './keys.js';

export default defineIamkitCommand({
  name: 'unset',
  description: 'Remove a setting from the profile',
  examples: ['iamkit config unset tiledb.host', 'iamkit config unset authress.url --profile work'],
  args: { key: { type: 'positional', description: KEY_DESCRIPTION, required: true } },
  async run({ args, ctx }) {
    const key = settingKey(args.key);
    const config = await ctx.config();
    await updateProfile(ctx.configPath, config.profile, { [key]: undefined });
    ctx.out.success(`Removed ${key} from profile ${config.profile}`);
  },
});
