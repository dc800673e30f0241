import { isSettingKey, SETTING_KEYS, type SettingKey } from '../../config/file.js';
import { UsageError } from '../../errors.js';

export const KEY_DESCRIPTION = `Setting: ${SETTING_KEYS.join(', ')}`;

export function settingKey(key: string | undefined): SettingKey {
  if (key === undefined || key === '') throw new UsageError('missing KEY');
  if (!isSettingKey(key)) {
    throw new UsageError(`unknown setting "${key}"`, `settings are: ${SETTING_KEYS.join(', ')}`);
  }
  return key;
}
