/** `/openapi.json`: the routes this server actually serves, with their core schemas. */

import { ResponseErrorSchema, stringMapValue, TileDBErrorSchema } from '@iamkit/core';
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { AnyRouteSpec } from './plugin.js';

/**
 * `typeMode: 'output'` is for query schemas: their values arrive as strings and are
 * decoded in the pipe (`v.string() ... v.transform(Number), v.number(), v.integer()`), and
 * a client should be told the decoded type (integer 1-20), not the raw string pattern.
 */
function schemaOf(
  schema: v.GenericSchema,
  typeMode: 'ignore' | 'output' = 'ignore',
): Record<string, unknown> {
  const out = toJsonSchema(schema, {
    errorMode: 'ignore',
    target: 'draft-2020-12',
    typeMode,
    // A stringMap (free-form tags) is a custom schema to valibot; its metadata names the
    // value schema, so describe it as the map it is.
    overrideAction: ({ valibotAction }) => {
      const value = stringMapValue({ pipe: [valibotAction] });
      return value && { type: 'object', additionalProperties: schemaOf(value, typeMode) };
    },
  }) as Record<string, unknown>;
  delete out['$schema'];
  return out;
}

const TILEDB_ERROR = schemaOf(TileDBErrorSchema);
const AUTHRESS_ERROR = schemaOf(ResponseErrorSchema);

export function buildOpenApi(routes: readonly AnyRouteSpec[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params: Array<{
      name: string;
      in: 'path' | 'query' | 'header';
      required: boolean;
      description?: string;
      schema: Record<string, unknown>;
    }> = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1]!,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const query = schemaOf(route.query, 'output') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        params.push({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          schema: schema as Record<string, unknown>,
        });
      }
    }
    for (const [name, header] of Object.entries(route.headers ?? {})) {
      params.push({
        name,
        in: 'header',
        required: header.required ?? false,
        ...(header.description ? { description: header.description } : {}),
        schema: header.schema ? schemaOf(header.schema, 'output') : { type: 'string' },
      });
    }
    const errorSchema = route.api === 'authress' ? AUTHRESS_ERROR : TILEDB_ERROR;
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const contentType =
        response.contentType ??
        (route.api === 'authress' && Number(status) < 300
          ? 'application/links+json'
          : 'application/json');
      responses[status] = response.schema
        ? {
            description: response.description,
            content: { [contentType]: { schema: schemaOf(response.schema) } },
          }
        : { description: response.description };
    }
    responses['default'] = {
      description: 'Error',
      content: { 'application/json': { schema: errorSchema } },
    };
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      tags: route.tags ?? [route.api],
      ...(route.summary ? { summary: route.summary } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyRequired ?? true,
              content: { 'application/json': { schema: schemaOf(route.body) } },
            },
          }
        : {}),
      responses,
      security:
        route.auth === false
          ? []
          : route.api === 'authress'
            ? [{ AuthressBearer: [] }]
            : route.api === 'admin'
              ? [{}, { ApiKeyAuth: [] }, { BasicAuth: [] }]
              : [{ ApiKeyAuth: [] }, { BasicAuth: [] }, { BearerApiKey: [] }],
    };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'iamkit-mock',
      version,
      description:
        'TileDB Cloud (/v1, /v2, /v4) and Authress (/authress) in miniature, generated from the routes this server registers.',
    },
    paths,
    components: {
      securitySchemes: {
        ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-TILEDB-REST-API-KEY' },
        BasicAuth: { type: 'http', scheme: 'basic' },
        BearerApiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A TileDB API key as a bearer token',
        },
        AuthressBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  };
}
