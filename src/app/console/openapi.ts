/**
 * The OpenAPI 3 document of the console's API, generated from the route schemas fastify validates with (collected
 * as routes are declared) and the TypeBox schemas of Plinth's API kinds (src/api).
 */
import type { RouteOptions } from 'fastify';
import { apiVersionOf, KINDS } from '../../api/index.js';
import { plinthVersion } from '../cli/version.js';

type JsonSchema = Record<string, unknown>;

export interface RouteDoc {
  method: string;
  url: string;
  schema: { summary?: string; params?: unknown; querystring?: unknown; body?: unknown; response?: Record<string, unknown> } | undefined;
}

/** Pure: the route's options as a RouteDoc for each of its methods (HEAD routes fastify adds are left out). */
export function routeDocs(opts: Pick<RouteOptions, 'method' | 'url' | 'schema'>): RouteDoc[] {
  const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
  return methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m.toLowerCase(), url: opts.url, schema: opts.schema as RouteDoc['schema'] }));
}

/** JSON of a TypeBox schema (its symbol keys are dropped). */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function parameters(schema: unknown, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = plain(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 204: 'No content', 400: 'Invalid input (names the field)', 401: 'Not signed in', 403: 'Refused (CSRF, or RBAC: names verb and resource)', 404: 'Not found', 409: 'The action does not apply now' };

/** Pure: the OpenAPI 3.0 document of these routes. */
export function openApiDocument(routes: readonly RouteDoc[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    if (r.url === '*' || r.url.startsWith('/*')) continue;
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const s = r.schema ?? {};
    const responses: Record<string, JsonSchema> = {};
    for (const [code, body] of Object.entries(s.response ?? {})) {
      const schema = plain(body);
      responses[code] = { description: STATUS_TEXT[code] ?? code, ...(code === '204' ? {} : { content: { 'application/json': { schema } } }) };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'OK' };
    paths[path] ??= {};
    paths[path][r.method] = {
      ...(s.summary ? { summary: s.summary } : {}),
      parameters: [...parameters(s.params, 'path'), ...parameters(s.querystring, 'query')],
      ...(s.body ? { requestBody: { required: false, content: { 'application/json': { schema: plain(s.body) } } } } : {}),
      responses,
    };
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const k of KINDS) {
    schemas[k.kind] = {
      type: 'object',
      description: k.description,
      properties: {
        apiVersion: { type: 'string', enum: [apiVersionOf(k)] },
        kind: { type: 'string', enum: [k.kind] },
        metadata: { type: 'object' },
        spec: plain(k.spec),
        status: plain(k.status),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Plinth console API', version: plinthVersion(), description: 'See docs/console.md. Writes need the X-Plinth-CSRF header; every call acts as the signed-in user.' },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'plinth_session' } },
      schemas,
    },
    security: [{ session: [] }],
    paths,
  };
}
