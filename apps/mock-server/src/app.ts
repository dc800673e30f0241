/**
 * Assembles the hono app: request IDs, the request journal, CORS, fault rules, then
 * every registered route (the server's own and each domain's) wrapped with body
 * limits, authentication and validation, then 405/404 fallbacks and one error handler
 * that renders each API's own error shape.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { authenticateAuthress, authenticateTileDB, isLoopback } from './auth.js';
import {
  ApiError,
  type ApiKind,
  apiForPath,
  badRequest,
  errorBody,
  forbidden,
  payloadTooLarge,
} from './errors.js';
import type { FaultRules } from './faults.js';
import { jsonSyntaxReason } from './issues.js';
import type {
  AnyRouteSpec,
  DomainRoutes,
  MockContext,
  MockEnv,
  MockServices,
  RouteRegistrar,
} from './plugin.js';
import { redactPathAndQuery } from './redact.js';
import type { RequestLog } from './request-log.js';
import { validateOrThrow } from './validation.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  services: MockServices;
  faults: FaultRules;
  requestLog: RequestLog;
  domains: readonly DomainRoutes[];
  /** Called for unexpected errors (500s); never receives request bodies or headers. */
  onUnexpectedError?: (error: unknown, c: MockContext) => void;
}

export interface BuiltApp {
  app: Hono<MockEnv>;
  routes: readonly AnyRouteSpec[];
}

async function readJsonBody(c: MockContext, spec: AnyRouteSpec): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (spec.bodyRequired ?? true) throw badRequest('A JSON request body is required');
    return undefined;
  }
  // Content-Type is not checked: the body must parse as JSON whatever it claims (curl -d
  // sends a form type; fetch with a string sends text/plain).
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Malformed JSON in the request body: ${jsonSyntaxReason(error)}`);
  }
  return validateOrThrow(spec.body!, parsed, 'body');
}

function adminGuard(): MiddlewareHandler<MockEnv> {
  return async (c, next) => {
    const address = c.env?.incoming?.socket?.remoteAddress;
    // In-process requests (app.request) have no socket: they are the test process itself.
    if (c.env?.incoming === undefined || isLoopback(address)) return next();
    const caller = authenticateTileDB(c);
    if (!caller.user.admin)
      throw forbidden('The admin surface needs an admin user from a non-loopback address');
    c.set('caller', caller);
    return next();
  };
}

function routeHandlers(spec: AnyRouteSpec): MiddlewareHandler<MockEnv>[] {
  const limit = spec.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const handlers: MiddlewareHandler<MockEnv>[] = [
    async (c, next) => {
      c.set('api', spec.api);
      await next();
    },
  ];
  if (spec.body) {
    handlers.push(
      bodyLimit({
        maxSize: limit,
        onError: () => {
          throw payloadTooLarge(limit);
        },
      }),
    );
  }
  if (spec.api === 'admin') {
    handlers.push(adminGuard());
  } else if (spec.auth !== false) {
    handlers.push(async (c, next) => {
      c.set(
        'caller',
        spec.api === 'authress' ? await authenticateAuthress(c) : authenticateTileDB(c),
      );
      await next();
    });
  }
  handlers.push(async (c) => {
    const body = spec.body ? await readJsonBody(c, spec) : undefined;
    const rawQuery = c.req.query();
    const query = spec.query ? validateOrThrow(spec.query, rawQuery, 'query') : rawQuery;
    const response = await spec.handler(c, {
      body,
      query,
      params: c.req.param() as Record<string, string>,
    });
    // A read may have seen another request's change that is not on disk yet: answer only
    // once it is, so nothing a client was shown can be lost in a crash.
    await c.var.mock.store.settled();
    return response;
  });
  return handlers;
}

function render(c: MockContext, error: ApiError): Response {
  const api: ApiKind = c.var.api ?? apiForPath(c.req.path);
  const body = errorBody(api, error, c.var.requestId ?? '', c.req.path);
  return c.body(JSON.stringify(body), error.status as 400, {
    ...error.headers,
    'Content-Type': 'application/json',
  });
}

export function buildApp(options: AppOptions, builtin: readonly DomainRoutes[]): BuiltApp {
  const { services, faults, requestLog } = options;
  const app = new Hono<MockEnv>();
  const routes: AnyRouteSpec[] = [];
  const seen = new Map<string, string>();
  const registrar = (domain: string): RouteRegistrar => ({
    route(spec) {
      const key = `${spec.method} ${spec.path}`;
      const owner = seen.get(key);
      if (owner)
        throw new Error(`Route ${key} from "${domain}" is already registered by "${owner}"`);
      seen.set(key, domain);
      routes.push(spec as AnyRouteSpec);
    },
  });
  for (const domain of [...builtin, ...options.domains]) domain.register(registrar(domain.name));

  // Every request gets an id of the server's own, as the real services do: an id a client
  // sends is not taken over, so `request_id`/`errorId` stay unique even when a client
  // retries with the same header.
  app.use('*', requestId({ headerName: '' }));
  app.use('*', async (c, next) => {
    c.header('x-request-id', c.var.requestId);
    c.set('mock', services);
    const started = performance.now();
    let dropped = false;
    let dropAfter = false;
    let faultId: string | undefined;
    try {
      const path = c.req.path;
      if (!path.startsWith('/__admin') && !isPreflight(c)) {
        const fault = faults.match(c.req.method, path);
        if (fault) {
          faultId = fault.ruleId;
          if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
          if (fault.drop) {
            dropped = true;
            c.env?.incoming?.socket?.destroy();
            c.res = new Response(null, { status: 500 });
            return;
          }
          dropAfter = fault.dropAfter;
          if (fault.status !== undefined) {
            c.res = render(
              c,
              new ApiError(fault.status, `Injected fault: HTTP ${fault.status}`, {
                ...(fault.retryAfter === undefined
                  ? {}
                  : { headers: { 'Retry-After': fault.retryAfter } }),
              }),
            );
            return c.res;
          }
        }
      }
      await next();
      if (dropAfter) {
        // The request was handled (a write applied and is durable): lose only its response.
        dropped = true;
        c.env?.incoming?.socket?.destroy();
      }
    } finally {
      const caller = c.var.caller;
      requestLog.add({
        id: c.var.requestId,
        at: new Date().toISOString(),
        method: c.req.method,
        path: redactPathAndQuery(new URL(c.req.url)),
        // dropAfter: the status the handler produced, though it never reached the client.
        status: dropped && !dropAfter ? 0 : c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        api: c.var.api ?? apiForPath(c.req.path),
        ...(caller ? { caller: caller.api === 'tiledb' ? caller.username : caller.subject } : {}),
        ...(faultId ? { fault: faultId } : {}),
        ...(dropped ? { dropped: true } : {}),
      });
    }
  });
  const corsHandler = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
    exposeHeaders: ['x-request-id', 'Retry-After', 'Location'],
    maxAge: 600,
  });
  app.use('*', async (c, next) => {
    // Only an OPTIONS with Access-Control-Request-Method is a preflight; any other
    // OPTIONS (TileDB's groupExists probe) is the API's own and must reach its route.
    if (c.req.method === 'OPTIONS' && !isPreflight(c)) {
      await next();
      c.res.headers.set('Access-Control-Allow-Origin', '*');
      return;
    }
    return corsHandler(c, next);
  });

  for (const spec of routes) {
    const [first, ...rest] = routeHandlers(spec);
    app.on(spec.method, spec.path, first!, ...rest);
  }
  const methodsByPath = new Map<string, Set<string>>();
  for (const spec of routes) {
    const set = methodsByPath.get(spec.path) ?? new Set<string>();
    set.add(spec.method);
    methodsByPath.set(spec.path, set);
  }
  for (const [path, methods] of methodsByPath) {
    const api = routes.find((r) => r.path === path)!.api;
    const allow = [...methods].join(', ');
    app.on(ALL_METHODS, path, (c) => {
      c.set('api', api);
      throw new ApiError(
        405,
        `Method ${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`,
        {
          headers: { Allow: allow },
        },
      );
    });
  }
  app.notFound((c) => render(c, new ApiError(404, `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(async (error, c) => {
    // A refusal (409, 404...) may rest on another request's change: wait until it is durable too.
    await services.store.settled();
    if (error instanceof ApiError) return render(c, error);
    if (error instanceof HTTPException) {
      return render(c, new ApiError(error.status, error.message || 'Request failed'));
    }
    options.onUnexpectedError?.(error, c);
    return render(c, new ApiError(500, 'Internal server error'));
  });
  return { app, routes };
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function isPreflight(c: MockContext): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
}
