/**
 * What the Authress groups commands share. Light on purpose: the client is imported
 * inside {@link authressGroupsClient}, so `--help` never loads it.
 */
import { readFile } from 'node:fs/promises';
import type { AuthressGroupsClient, Group, GroupRequest } from '@iamkit/authress';
import { readStdin } from '../../../args.js';
import type { Context } from '../../../context.js';
import { UsageError } from '../../../errors.js';
import type { Column } from '../../../output.js';

export async function authressGroupsClient(ctx: Context): Promise<AuthressGroupsClient> {
  const { AuthressGroupsClient } = await import('@iamkit/authress');
  return new AuthressGroupsClient(await ctx.authress());
}

/** Flags that describe a group's content, shared by create and update. */
export const groupContentArgs = {
  name: { type: 'string', description: 'Display name (1-128 characters)' },
  users: {
    type: 'string',
    description: 'Comma-separated user ids that make up the group (at most 100)',
  },
  admins: {
    type: 'string',
    description: 'Comma-separated user ids who may edit the group (at most 100)',
  },
  tags: { type: 'string', description: 'Comma-separated key=value tags' },
  file: {
    type: 'string',
    description: 'Read the whole group as JSON from a file, or "-" for stdin',
  },
} as const;

/** `a,b` as user references. User ids cannot contain commas, so the split is exact. */
export function parseUsers(flag: string, value: string | undefined) {
  if (value === undefined) return undefined;
  if (value.trim() === '') return [];
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) {
    throw new UsageError(
      `--${flag} takes comma-separated user ids, e.g. --${flag} 'oauth2|alice,oauth2|bob'`,
    );
  }
  return ids.map((userId) => ({ userId }));
}

/** `k=v,k2=v2` as a tag object; `--tags ""` clears the tags. */
export function parseTags(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  // No prototype: `--tags __proto__=x` is a tag like any other.
  const tags: Record<string, string> = Object.create(null);
  if (value.trim() === '') return tags;
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--tags takes key=value pairs, got ${JSON.stringify(pair)}`);
    tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return tags;
}

/** The group JSON given with `--file path` or `--file -`. */
export async function readGroupFile(file: string): Promise<GroupRequest> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --file ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('expected a JSON object');
    }
    return parsed as GroupRequest;
  } catch (error) {
    throw new UsageError(`--file ${file} is not a group as JSON: ${(error as Error).message}`);
  }
}

/** `--limit` as a number; the client checks the 1-20 range. */
export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--limit takes a whole number, got "${value}"`);
  return Number(value);
}

const ids = (list: readonly { userId: string }[]) => list.map((u) => u.userId);

/** Prints one group: key/value lines, or the API's JSON with --json. */
export function printGroup(ctx: Context, group: Group): void {
  ctx.out.record(
    [
      ['groupId', group.groupId],
      ['name', group.name],
      ['users', ids(group.users)],
      ['admins', ids(group.admins)],
      ['tags', group.tags ? Object.entries(group.tags).map(([k, v]) => `${k}=${v}`) : undefined],
      ['lastUpdated', group.lastUpdated],
    ],
    { json: group },
  );
}

export const GROUP_COLUMNS: Column<Group>[] = [
  { header: 'GROUP ID', value: (g) => g.groupId },
  { header: 'NAME', value: (g) => g.name },
  { header: 'USERS', value: (g) => g.users.length },
  { header: 'ADMINS', value: (g) => g.admins.length },
  { header: 'LAST UPDATED', value: (g) => g.lastUpdated },
];
