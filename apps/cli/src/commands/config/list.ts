import { defineIamkitCommand } from '../../command.js';
import { configLocation } from '../../config/file.js';
import { shownSetting } from '../../config/secrets.js';

export default defineIamkitCommand({
  name: 'list',
  description: 'Show every setting, its value and where it came from (secrets masked)',
  examples: ['iamkit config list', 'iamkit config list --profile work --json'],
  aliases: ['ls'],
  async run({ ctx }) {
    const config = await ctx.config();
    const rows = [
      { key: 'profile', value: config.profile, source: config.profileSource },
      {
        key: 'config_file',
        value: config.configPath,
        source: configLocation(ctx.env, ctx.homeDir).source,
      },
      ...(await Promise.all(
        Object.values(config.settings).map(async (setting) => ({
          key: setting.key,
          value:
            setting.value === undefined
              ? undefined
              : await shownSetting({
                  key: setting.key,
                  value: setting.value,
                  secret: setting.secret,
                }),
          source: setting.source ?? 'unset',
        })),
      )),
      {
        key: 'tiledb.auth',
        value: config.tiledbCredentials
          ? config.tiledbCredentials.kind === 'api_key'
            ? 'api key'
            : 'username and password'
          : undefined,
        source: config.tiledbCredentials?.source ?? 'unset',
      },
      // Shown only when it is there but unusable: its values are all missing above.
      ...(config.cloudJson.ignored === undefined
        ? []
        : [
            {
              key: 'cloud_json',
              value: config.cloudJson.source,
              source: `ignored: ${config.cloudJson.ignored}`,
            },
          ]),
    ];
    if (config.tiledbEnvError) {
      ctx.out.warn(
        `${config.tiledbEnvError.message} (TileDB commands refuse to run until it is fixed)`,
      );
    }
    if (!config.saved && config.profile !== 'default') {
      ctx.out.warn(`profile "${config.profile}" does not exist in ${config.configPath}`);
    }
    ctx.out.table(
      rows,
      [
        { header: 'KEY', value: (row) => row.key },
        { header: 'VALUE', value: (row) => row.value ?? (ctx.out.mode === 'table' ? '-' : '') },
        { header: 'SOURCE', value: (row) => row.source },
      ],
      { json: rows.map((row) => ({ ...row, value: row.value ?? null })) },
    );
  },
});
