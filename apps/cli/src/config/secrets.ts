/**
 * Showing secrets without leaking them: masked values for `config get`/`config list`, and the
 * client ID of an Authress access key (never any other part of it) for traces and `whoami`.
 */
import type { SettingKey } from './file.js';

/** Secrets at least this long may keep their last 4 characters when masked. */
const MIN_LENGTH_TO_HINT = 16;
/** Settings that never show any character (a password's tail narrows a guess too much). */
const NO_HINT: ReadonlySet<SettingKey> = new Set(['tiledb.password']);

/**
 * `********` for passwords and short secrets; `********wxyz` (the last 4 characters, as
 * `aws configure list` shows) only for long API keys and access keys.
 */
export function maskSecret(value: string, key?: SettingKey): string {
  if ((key !== undefined && NO_HINT.has(key)) || value.length < MIN_LENGTH_TO_HINT) {
    return '********';
  }
  return `********${value.slice(-4)}`;
}

/**
 * A setting as `config get` and `config list` show it: a secret masked unless `showSecret`,
 * and any other value with the password of a URL in it redacted (a host may be set to
 * `https://user:password@host` by hand or through the environment).
 */
export async function shownSetting(
  setting: { key: SettingKey; value: string; secret: boolean },
  showSecret = false,
): Promise<string> {
  if (showSecret) return setting.value;
  if (setting.secret) return maskSecret(setting.value, setting.key);
  const { redactUrl } = await import('@iamkit/transport');
  return redactUrl(setting.value);
}

/** An Authress client ID: short, id-like, and not the start of key material or a token. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$/;
const KEY_MATERIAL = /^(MC4CAQAw|eyJ)/; // base64 DER PKCS#8 Ed25519 key, JWT

/**
 * The client ID of an Authress access key shaped `clientId.keyId.accountId.privateKey`, or
 * `undefined` when the key is malformed (then no part of it may be shown: a dotless or
 * truncated key can be all key material).
 */
export function accessKeyClientId(accessKey: string): string | undefined {
  const parts = accessKey.trim().split('.');
  if (parts.length !== 4 || parts.some((part) => part === '')) return undefined;
  const clientId = parts[0]!;
  if (!CLIENT_ID.test(clientId) || KEY_MATERIAL.test(clientId)) return undefined;
  return clientId;
}

/** `client sc_demo`, or `malformed (not clientId.keyId.accountId.privateKey)`: for display. */
export function describeAccessKey(accessKey: string): string {
  const clientId = accessKeyClientId(accessKey);
  return clientId === undefined
    ? 'malformed (not clientId.keyId.accountId.privateKey)'
    : `client ${clientId}`;
}
