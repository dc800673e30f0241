/**
 * The server's own routes: `GET /v1/user`, the `/__admin` surface and `/openapi.json`.
 * They register through the same interface as a domain's routes.
 */
import * as v from 'valibot';
import { notFound } from './errors.js';
import { FaultRuleSchema, type FaultRules } from './faults.js';
import { allowedActions, ORGANIZATIONS, type OrganizationRecord } from './identities.js';
import { defineRoutes, json, noContent, tiledbCaller } from './plugin.js';
import { redact } from './redact.js';
import type { RequestLog } from './request-log.js';
import type { Store } from './store.js';

export interface BuiltinDeps {
  store: Store;
  faults: FaultRules;
  requestLog: RequestLog;
  reset(): Promise<void>;
  health(): Record<string, unknown>;
  openapi(): unknown;
}

/** `GET /v1/user`: the caller's profile, with the organizations it belongs to. */
export const userRoutes = defineRoutes({
  name: 'user',
  register(r) {
    r.route({
      method: 'GET',
      path: '/v1/user',
      api: 'tiledb',
      operationId: 'getUser',
      summary: "The caller's profile and organization memberships",
      tags: ['user'],
      responses: { 200: { description: 'The caller' } },
      handler(c) {
        const { user } = tiledbCaller(c);
        const organizations = c.var.mock.store
          .collection<OrganizationRecord>(ORGANIZATIONS)
          .values()
          .filter((org) => org.members[user.username] !== undefined)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((org) => {
            const role = org.members[user.username]!;
            return {
              user_id: user.id,
              organization_id: org.id,
              username: user.username,
              organization_name: org.name,
              role,
              allowed_actions: allowedActions(role),
            };
          });
        return json(c, {
          id: user.id,
          username: user.username,
          email: user.email,
          ...(user.name === undefined ? {} : { name: user.name }),
          organizations,
        });
      },
    });
  },
});

const RequestsQuerySchema = v.strictObject({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a positive integer'),
      v.transform(Number),
      v.number(),
      v.integer('must be a positive integer'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(500, 'must be at most 500'),
    ),
  ),
});

export function adminRoutes(deps: BuiltinDeps) {
  return defineRoutes({
    name: 'admin',
    register(r) {
      const tags = ['admin'];
      r.route({
        method: 'GET',
        path: '/__admin/health',
        api: 'admin',
        operationId: 'adminHealth',
        tags,
        responses: { 200: { description: 'Server status' } },
        handler: (c) => json(c, deps.health()),
      });
      r.route({
        method: 'POST',
        path: '/__admin/reset',
        api: 'admin',
        operationId: 'adminReset',
        summary: 'Restore the seeded state (also clears fault rules and the request journal)',
        tags,
        responses: { 204: { description: 'Reset' } },
        async handler(c) {
          await deps.reset();
          return noContent(c);
        },
      });
      r.route({
        method: 'GET',
        path: '/__admin/state',
        api: 'admin',
        operationId: 'adminState',
        summary: 'The whole state, secrets redacted',
        tags,
        responses: { 200: { description: 'State by collection and key' } },
        handler: (c) => json(c, redact(deps.store.toJSON())),
      });
      r.route({
        method: 'GET',
        path: '/__admin/requests',
        api: 'admin',
        operationId: 'adminRequests',
        summary: 'Recent requests, oldest first, secrets redacted',
        tags,
        query: RequestsQuerySchema,
        responses: { 200: { description: 'Request journal' } },
        handler: (c, { query }) => json(c, { requests: deps.requestLog.list(query.limit) }),
      });
      r.route({
        method: 'DELETE',
        path: '/__admin/requests',
        api: 'admin',
        operationId: 'adminClearRequests',
        tags,
        responses: { 204: { description: 'Cleared' } },
        handler(c) {
          deps.requestLog.clear();
          return noContent(c);
        },
      });
      r.route({
        method: 'POST',
        path: '/__admin/faults',
        api: 'admin',
        operationId: 'adminAddFault',
        summary: 'Add a fault rule (latency, status, dropped connection)',
        tags,
        body: FaultRuleSchema,
        responses: { 201: { description: 'The rule, with its id' } },
        handler: (c, { body }) => json(c, deps.faults.add(body), 201),
      });
      r.route({
        method: 'GET',
        path: '/__admin/faults',
        api: 'admin',
        operationId: 'adminListFaults',
        tags,
        responses: { 200: { description: 'Active fault rules' } },
        handler: (c) => json(c, { faults: deps.faults.list() }),
      });
      r.route({
        method: 'DELETE',
        path: '/__admin/faults',
        api: 'admin',
        operationId: 'adminClearFaults',
        tags,
        responses: { 204: { description: 'Cleared' } },
        handler(c) {
          deps.faults.clear();
          return noContent(c);
        },
      });
      r.route({
        method: 'DELETE',
        path: '/__admin/faults/:id',
        api: 'admin',
        operationId: 'adminRemoveFault',
        tags,
        responses: { 204: { description: 'Removed' } },
        handler(c, { params }) {
          if (!deps.faults.remove(params['id']!)) throw notFound(`No fault rule "${params['id']}"`);
          return noContent(c);
        },
      });
      r.route({
        method: 'GET',
        path: '/openapi.json',
        api: 'tiledb',
        auth: false,
        operationId: 'openapi',
        summary: 'This document',
        tags: ['meta'],
        responses: { 200: { description: 'OpenAPI 3.1 document' } },
        handler: (c) => json(c, deps.openapi()),
      });
    },
  });
}
