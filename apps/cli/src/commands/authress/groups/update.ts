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
        'Apply only if the group has not changed since this ISO 8601 time (default: the lastUpdated just read)',
    },
    force: {
      type: 'boolean',
      description: 'Overwrite even if the group changed after it was read',
    },
  },
  async run({ args, ctx }) {
    if (args.force && args['if-unmodified-since'] !== undefined) {
      throw new UsageError('--force and --if-unmodified-since contradict each other; pick one');
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
    const client = await authressGroupsClient(ctx);
    // Read first: the flags edit the current group, and its lastUpdated guards the write.
    const current = await client.getGroup(args.groupId, { signal: ctx.signal });
    // The known fields only: a field a newer server adds is not ours to send back.
    const base: GroupRequest = fromFile ?? {
      name: current.name,
      users: current.users,
      admins: current.admins,
      ...(current.tags !== undefined && { tags: current.tags }),
    };
    const next: GroupRequest = {
      ...base,
      name: args.name ?? base.name,
      users: edit(changes.users ?? base.users, changes.addUsers, changes.removeUsers),
      admins: edit(changes.admins ?? base.admins, changes.addAdmins, changes.removeAdmins),
    };
    if (changes.tags !== undefined) next.tags = changes.tags;
    const expected = args.force ? undefined : (args['if-unmodified-since'] ?? current.lastUpdated);
    const updated = await client.updateGroup(args.groupId, next, {
      signal: ctx.signal,
      ...(expected !== undefined && { expectedLastModifiedTime: expected }),
    });
    printGroup(ctx, updated);
  },
});
