import type { GroupRequest } from '@iamkit/authress';
import { defineIamkitCommand } from '../../../command.js';
import { UsageError } from '../../../errors.js';
import {
  authressGroupsClient,
  groupContentArgs,
  parseTags,
  parseUsers,
  printGroup,
  readGroupFile,
} from './shared.js';

type UserRef = { userId: string };

const EXAMPLE_TIME = '2026-01-05T10:00:00.000Z';

function edit(list: readonly UserRef[], add?: UserRef[], remove?: UserRef[]): UserRef[] {
  const drop = new Set((remove ?? []).map((u) => u.userId));
  const out = list.filter((u) => !drop.has(u.userId));
  for (const user of add ?? []) {
    if (!out.some((u) => u.userId === user.userId)) out.push(user);
  }
  return out;
}

export default defineIamkitCommand({
  name: 'update',
  description: 'Change a group; refuses if someone else changed it since it was read',
  examples: [
    'iamkit authress groups update grp_123 --add-users "oauth2|carol" --remove-users "oauth2|bob"',
    'iamkit authress groups update grp_123 --name "Senior editors" --admins "oauth2|alice"',
    'iamkit authress groups update grp_123 --file group.json --if-unmodified-since 2026-01-05T10:00:00.000Z',
    'iamkit authress groups update grp_123 --tags "" --force',
  ],
  args: {
    groupId: { type: 'positional', description: 'The group id (grp_...)', required: true },
    ...groupContentArgs,
    'add-users': { type: 'string', description: 'Comma-separated user ids to add' },
    'remove-users': { type: 'string', description: 'Comma-separated user ids to remove' },
    'add-admins': { type: 'string', description: 'Comma-separated admin ids to add' },
    'remove-admins': { type: 'string', description: 'Comma-separated admin ids to remove' },
    'if-unmodified-since': {
      type: 'string',
      description:
        'Apply only if the group has not changed since this ISO 8601 time (default: the lastUpdated in --file, or of the group as just read)',
    },
    force: {
      type: 'boolean',
      description: 'Overwrite even if the group changed after it was read',
    },
  },
  async run({ args, ctx }) {
    const since = args['if-unmodified-since'];
    if (args.force && since !== undefined) {
      throw new UsageError('--force and --if-unmodified-since contradict each other; pick one');
    }
    const { isIfUnmodifiedSince } = await import('@iamkit/core/authress-groups');
    if (since !== undefined && !isIfUnmodifiedSince(since)) {
      throw new UsageError(
        `--if-unmodified-since takes an ISO 8601 date-time with a time zone, such as ${EXAMPLE_TIME}; got ${JSON.stringify(since)}`,
      );
    }
    const fromFile = args.file === undefined ? undefined : await readGroupFile(args.file);
    const changes = {
      users: parseUsers('users', args.users),
      admins: parseUsers('admins', args.admins),
      addUsers: parseUsers('add-users', args['add-users']),
      removeUsers: parseUsers('remove-users', args['remove-users']),
      addAdmins: parseUsers('add-admins', args['add-admins']),
      removeAdmins: parseUsers('remove-admins', args['remove-admins']),
      tags: parseTags(args.tags),
    };
    if (
      fromFile === undefined &&
      args.name === undefined &&
      Object.values(changes).every((value) => value === undefined)
    ) {
      throw new UsageError(
        'nothing to change: pass --name, --users, --admins, --add-users, --remove-users, --add-admins, --remove-admins, --tags or --file',
      );
    }
    // With --file, the file is the group and its own lastUpdated (the time it was read,
    // e.g. by `get --json`) guards the write: a change made since then is not overwritten.
    let expected = args.force ? undefined : since;
    if (fromFile !== undefined && args.file !== undefined) {
      for (const field of ['users', 'admins'] as const) {
        if (changes[field] === undefined && !Array.isArray(fromFile[field])) {
          throw new UsageError(
            `--file ${args.file} has no "${field}" list: an update replaces the whole group, so give "${field}" (use [] for none) or --${field}`,
          );
        }
      }
      if (!args.force && since === undefined) {
        const read = (fromFile as { lastUpdated?: unknown }).lastUpdated;
        if (read === undefined) {
          throw new UsageError(
            `--file ${args.file} has no "lastUpdated", so there is no telling whether the group changed since the file was written: start from \`iamkit authress groups get ${args.groupId} --json\`, or pass --if-unmodified-since TIME, or --force to overwrite`,
          );
        }
        if (!isIfUnmodifiedSince(read)) {
          throw new UsageError(
            `"lastUpdated" in --file ${args.file} must be an ISO 8601 date-time with a time zone, such as ${EXAMPLE_TIME}, as \`get --json\` prints it; got ${JSON.stringify(read)}`,
          );
        }
        expected = read;
      }
    }
    const client = await authressGroupsClient(ctx);
    let base: GroupRequest;
    if (fromFile !== undefined) {
      base = fromFile;
    } else {
      // Read first: the flags edit the current group, and its lastUpdated guards the write.
      const current = await client.getGroup(args.groupId, { signal: ctx.signal });
      // The known fields only: a field a newer server adds is not ours to send back.
      base = {
        name: current.name,
        users: current.users,
        admins: current.admins,
        ...(current.tags !== undefined && { tags: current.tags }),
      };
      if (!args.force && since === undefined) expected = current.lastUpdated;
    }
    const next: GroupRequest = {
      ...base,
      name: args.name ?? base.name,
      users: edit(changes.users ?? base.users, changes.addUsers, changes.removeUsers),
      admins: edit(changes.admins ?? base.admins, changes.addAdmins, changes.removeAdmins),
    };
    if (changes.tags !== undefined) next.tags = changes.tags;
    const updated = await client.updateGroup(args.groupId, next, {
      signal: ctx.signal,
      ...(expected !== undefined && { expectedLastModifiedTime: expected }),
    });
    printGroup(ctx, updated);
  },
});
