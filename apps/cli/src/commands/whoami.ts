import { defineIamkitCommand } from '../command.js';
import { accessKeyClientId } from '../config/secrets.js';

export default defineIamkitCommand({
  name: 'whoami',
  description: 'Show the TileDB user the current credentials belong to',
  examples: ['iamkit whoami', 'iamkit whoami --profile work --json'],
  async run({ ctx }) {
    const config = await ctx.config();
    const options = await ctx.tiledb();
    const { fetchCurrentUser, usernameOf } = await import('../user.js');
    const user = await fetchCurrentUser(options, ctx.signal);
    const fields: Array<[string, unknown]> = [
      ['username', usernameOf(user)],
      ...(['name', 'email'] as const)
        .filter((key) => typeof user[key] === 'string')
        .map((key): [string, unknown] => [key, user[key]]),
      ['host', options.baseUrl],
      ['credentials', config.tiledbCredentials?.source],
      ['profile', config.profile],
    ];
    if (config.authressUrl) {
      fields.push(['authress', config.authressUrl]);
      if (config.authressAccessKey) {
        const clientId = accessKeyClientId(config.authressAccessKey);
        fields.push(['authress client', clientId ?? '(malformed access key)']);
      }
    }
    ctx.out.record(fields, { json: user });
  },
});
