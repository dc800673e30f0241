import { defineIamkitCommand } from '../../command.js';
import { readConfigFile } from '../../config/file.js';

export default defineIamkitCommand({
  name: 'profiles',
  description: 'List the profiles in the config file (* marks the one in use)',
  examples: ['iamkit config profiles', 'IAMKIT_PROFILE=work iamkit config profiles'],
  async run({ ctx }) {
    const config = await ctx.config();
    const file = await readConfigFile(ctx.configPath);
    const rows = Object.entries(file.profiles).map(([name, profile]) => ({
      name,
      active: name === config.profile,
      host: profile['tiledb.host'],
      authress: profile['authress.url'],
    }));
    ctx.out.table(rows, [
      { header: '', value: (row) => (row.active ? '*' : '') },
      { header: 'PROFILE', value: (row) => row.name },
      { header: 'TILEDB HOST', value: (row) => row.host },
      { header: 'AUTHRESS URL', value: (row) => row.authress },
    ]);
  },
});
