/** `GET /v1/user`: who the TileDB credentials belong to (login checks, whoami). */
import type { ClientOptions } from '@iamkit/transport';
import { CommandError, ExitCode } from './errors.js';

export type TileDBUser = Record<string, unknown> & { username?: unknown };

export async function fetchCurrentUser(
  options: ClientOptions & { baseUrl: string },
  signal: AbortSignal,
): Promise<TileDBUser> {
  const { Transport } = await import('@iamkit/transport');
  const transport = options.transport ?? new Transport(options);
  const user = await transport.request<unknown>({ method: 'GET', path: '/v1/user', signal });
  if (typeof user !== 'object' || user === null || Array.isArray(user)) {
    throw new CommandError(
      `GET /v1/user on ${options.baseUrl} did not return a user object`,
      ExitCode.server,
      'is --host a TileDB Cloud REST server? `iamkit config list` shows the host in use',
    );
  }
  return user as TileDBUser;
}

export function usernameOf(user: TileDBUser): string | undefined {
  return typeof user.username === 'string' && user.username !== '' ? user.username : undefined;
}
