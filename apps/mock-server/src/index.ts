/**
 * `@iamkit/mock-server`: a stateful TileDB Cloud + Authress service in miniature.
 *
 * ```ts
 * import { startMockServer } from '@iamkit/mock-server';
 * const server = await startMockServer({ port: 0 });
 * // ... drive server.url / server.authressUrl with real clients ...
 * await server.close();
 * ```
 */
export { generateAccessKey, parseAccessKey } from './authress-keys.js';
export type { FaultRule, FaultRuleInput } from './faults.js';
export {
  defaultSeed,
  ORGANIZATION_ROLES,
  type OrganizationRole,
  SeedError,
  type SeedInput,
  SeedSchema,
} from './identities.js';
export { DataFileError } from './journal.js';
export type { RequestLogEntry } from './request-log.js';
export {
  type MockIdentities,
  type MockServer,
  type MockServiceClientIdentity,
  type MockUserIdentity,
  type StartMockServerOptions,
  startMockServer,
} from './server.js';
