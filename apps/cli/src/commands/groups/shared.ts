/**
 * What the groups commands share. Light on purpose: the client is imported inside
 * {@link groupsClient}, so `--help` never loads it.
 */
import type { GroupsClient, MetadataValue, MetadataValues } from '@iamkit/groups';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';

/** `--credentials-name`, for every command whose operation takes the header. */
export const credentialsNameArg = {
  'credentials-name': {
    type: 'string',
    description: 'Registered storage credentials to use (X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME)',
  },
} as const;

export async function groupsClient(ctx: Context): Promise<GroupsClient> {
  const { GroupsClient } = await import('@iamkit/groups');
  return new GroupsClient(await ctx.tiledb());
}

/** Per-call options: Ctrl-C aborts the request; the credentials header when given. */
export function callOptions(ctx: Context, credentialsName?: string) {
  return {
    signal: ctx.signal,
    ...(credentialsName !== undefined && { credentialsName }),
  };
}

export function tiledbUri(namespace: string, name: string): string {
  return `tiledb://${namespace}/${name}`;
}

/** `--tags a,b` as a list; empty items are a usage error rather than silently dropped. */
export function parseTags(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value.split(',').map((tag) => tag.trim());
  if (tags.some((tag) => tag === '')) {
    throw new UsageError(
      `--tags takes a comma-separated list such as bio,public-data; got "${value}"`,
    );
  }
  return tags;
}

/**
 * A metadata value as JSON can carry it: a bigint becomes its decimal string and bytes
 * become base64, so `--json` output always parses.
 */
export function jsonSafeValue(value: MetadataValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === 'bigint' ? item.toString() : item));
  }
  return value;
}

export function jsonSafeMetadata(values: MetadataValues): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, jsonSafeValue(value)]),
  );
}
