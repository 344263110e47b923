/**
 * Hostile input against every route of /openapi.json (so a new route is covered without touching this file)
 * plus the webhook and import routes, which take raw bodies: NUL, lone surrogates, invalid UTF-8, very long
 * strings, huge and non-numbers, wrong types, prototype-pollution keys, duplicate keys, 10 000-level nesting,
 * impossible dates and wrong content types, in every body property, query parameter and path parameter,
 * with an admin key so the input reaches the handler. Never a 5xx; every refusal is problem+json; a refused
 * request stores nothing (row counts of every organisation table unchanged).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignedSource,
  createTenant,
  openFlaggedCase,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';

let api: TestApi;
let tenant: TestTenant;
let webhookSource: { sourceId: string; secret: string };
/** Real ids for path parameters, so hostile bodies and queries reach handlers that find their resource. */
const ids: Record<string, string> = {};

/** The delivery log records refusals on purpose; every other organisation table must not change. */
const LOGGED_ON_REFUSAL = new Set(['source_deliveries']);
let orgTables: string[] = [];

beforeAll(async () => {
  api = await startTestApi({ apiKeyRateLimitPerMinute: 1_000_000, unsignedDeliveriesPerMinute: 1_000_000 });
  tenant = await createTenant(api.db, api.secretBox, 'Hostile input org');
  // The raw-body routes get a source of their own: the route probes rotate the tenant source's secret.
  // Hundreds of signed deliveries a minute: the source's own limit must not answer them instead of the parser.
  webhookSource = await createSignedSource(api.db, api.secretBox, tenant.orgId, {
    name: 'Hostile webhooks',
    rateLimitPerMinute: 1_000_000,
  });
  const flagged = await openFlaggedCase(api.db, tenant);
  const admin = { authorization: `Bearer ${tenant.apiKeys.admin}` };
  const survey = await api.app.inject({
    method: 'POST',
    url: '/v1/surveys',
    headers: admin,
    payload: { name: 'Pulse', template: { kind: 'framework', elements: ['D5.2'] } },
  });
  const team = await api.app.inject({
    method: 'POST',
    url: '/v1/teams',
    headers: admin,
    payload: { name: 'T' },
  });
  const member = await api.app.inject({
    method: 'POST',
    url: '/v1/members',
    headers: admin,
    payload: { name: 'M', email: 'm@example.com' },
  });
  Object.assign(ids, {
    org: tenant.orgId,
    source: tenant.sourceId,
    feedback: flagged.feedbackId,
    case: flagged.caseId,
    survey: survey.json().id,
    team: team.json().id,
    member: member.json().id,
  });
  const tables = await sql<{ relname: string }>`
    select c.relname from information_schema.columns i
    join pg_class c on c.relname = i.table_name and c.relkind in ('r', 'p') and not c.relispartition
    where i.column_name = 'org_id' and i.table_schema = 'public'`.execute(api.db);
  orgTables = tables.rows.map((row) => row.relname).filter((name) => !LOGGED_ON_REFUSAL.has(name));
});
afterAll(async () => {
  await api.close();
});

async function rowCounts(): Promise<Record<string, number>> {
  const counts = await sql<{ name: string; n: string }>`${sql.join(
    orgTables.map(
      (table) =>
        sql`select ${sql.lit(table)} as name, count(*) as n from ${sql.table(table)} where org_id = ${tenant.orgId}`,
    ),
    sql` union all `,
  )}`.execute(api.db);
  return Object.fromEntries(counts.rows.map((row) => [row.name, Number(row.n)]));
}

// ---- what is sent ----

const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Values put in place of one property of an otherwise valid body. */
const hostileValues: unknown[] = [
  'a\u0000b',
  '\u0000',
  'x\ud800y',
  '\udfff',
  'x'.repeat(100_000),
  '😀'.repeat(5_000),
  'e\u0301\u202e',
  '',
  1e308,
  -1e308,
  2 ** 53 + 1,
  -1,
  0.5,
  'NaN',
  'Infinity',
  '0000-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  null,
  true,
  [],
  ['a\u0000'],
  {},
  { __proto__: null, 'k\u0000': 'v\ud800' },
];

/** Whole bodies, as the bytes sent with `application/json`. */
function hostileBodies(valid: Record<string, unknown>): Buffer[] {
  const first = Object.keys(valid)[0] ?? 'name';
  const validText = JSON.stringify(valid);
  return [
    deep(10_000),
    `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    `{"__proto__":{"polluted":true},${validText.slice(1)}`,
    `{"constructor":{"prototype":{"polluted":true}},${validText.slice(1)}`,
    // Duplicate keys: the hostile value first, the valid one last (what JSON.parse keeps), and the reverse.
    `{"${first}":"a\\u0000b",${validText.slice(1)}`,
    `${validText.slice(0, -1)}${validText.length > 2 ? ',' : ''}"${first}":"\\ud800"}`,
    '{',
    'null',
    '[]',
    '"a string"',
    '1e400',
    '',
  ]
    .map((text) => Buffer.from(text))
    .concat([
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]),
    ]);
}

const wrongContentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
];

/** Query values, already percent-encoded (some are invalid UTF-8 on purpose). */
const hostileQueryValues = [
  'a%00b',
  '%00',
  '%ED%A0%80',
  '%FF%FE',
  'x'.repeat(10_000),
  '-1',
  '1e308',
  '99999999999999999999999',
  'NaN',
  '0000-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '__proto__',
  '',
];

const hostilePathValues = ['%00', '%ED%A0%80', '%FF', 'a'.repeat(300), '..%2F..', '-1', '__proto__'];

// ---- request plumbing ----

interface Operation {
  method: string;
  path: string;
  query: string[];
  body?: JsonSchema;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** A value the schema accepts, as far as a schema without examples says: the base a hostile value goes into. */
function example(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternative = schema.anyOf ?? schema.oneOf;
  if (alternative) return example(alternative[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([name]) => schema.required?.includes(name))
          .map(([name, property]) => [name, example(property)]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => example(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'uri') return 'https://example.com/hook';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return schema.default ?? {};
  }
}

/** The id a path parameter takes, by the resource its path names. */
function pathValue(path: string, name: string): string {
  if (name === 'org') return ids.org as string;
  if (name === 'scope') return 'enterprise';
  if (name === 'teamId') return ids.team as string;
  if (name === 'memberId') return ids.member as string;
  if (name === 'sourceId' || path.startsWith('/v1/sources/')) return ids.source as string;
  if (path.startsWith('/v1/cases/')) return ids.case as string;
  if (path.startsWith('/v1/surveys/')) return ids.survey as string;
  if (path.startsWith('/v1/feedback/')) return ids.feedback as string;
  return randomUUID();
}

function urlOf(operation: Operation, override?: { name: string; value: string }): string {
  return operation.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    override?.name === name
      ? override.value
      : operation.method === 'DELETE'
        ? // A valid DELETE would remove the resource the rest of the suite sends to.
          randomUUID()
        : pathValue(operation.path, name),
  );
}

async function operations(): Promise<Operation[]> {
  const document = (await api.app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string }[];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  };
  return (
    Object.entries(document.paths)
      // An event stream never ends; its parameters are the scores routes' own, covered there.
      .filter(([path]) => !path.endsWith('/stream'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          ...(operation.requestBody?.content['application/json']
            ? { body: operation.requestBody.content['application/json'].schema }
            : {}),
        })),
      )
  );
}

const failures: string[] = [];

/** Row counts as of the last write: a refused write must leave them as they are. */
let snapshot: Record<string, number> | undefined;

/** Sends one request and checks the invariants; a broken one is collected, so one run lists them all. */
async function probe(
  label: string,
  request: { method: string; url: string; headers?: Record<string, string>; payload?: Buffer | string },
) {
  snapshot ??= await rowCounts();
  const response = await api.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, ...request.headers },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  const where = `${label} → ${response.statusCode} ${response.body.slice(0, 160)}`;
  if (response.statusCode >= 500) failures.push(where);
  if (
    response.statusCode >= 400 &&
    !String(response.headers['content-type']).startsWith('application/problem+json')
  ) {
    failures.push(`not problem+json: ${where}`);
  }
  // Reads store nothing whatever they answer; writes are compared with the counts before them.
  if (!isWrite(request.method)) return;
  const after = await rowCounts();
  if (response.statusCode >= 400) {
    const before = snapshot;
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    if (changed.length > 0) failures.push(`refused but stored rows in ${changed.join(', ')}: ${where}`);
  }
  snapshot = after;
}

const isWrite = (method: string) => method !== 'GET';
const show = (value: unknown) =>
  typeof value === 'string' ? value.slice(0, 20) : JSON.stringify(value)?.slice(0, 20);

describe('hostile input on every route', () => {
  it('covers the routes of /openapi.json (the enumeration is not vacuous)', async () => {
    const all = await operations();
    expect(all.filter((operation) => operation.body).length).toBeGreaterThanOrEqual(15);
    expect(all.filter((operation) => operation.query.length > 0).length).toBeGreaterThanOrEqual(8);
  });

  it('every property of every JSON body, and whole hostile bodies and content types: no 5xx, nothing half-stored', {
    timeout: 300_000,
  }, async () => {
    failures.length = 0;
    for (const operation of (await operations()).filter((candidate) => candidate.body)) {
      const valid = example(operation.body) as Record<string, unknown>;
      const label = `${operation.method} ${operation.path}`;
      const url = urlOf(operation);
      const send = (payload: Buffer | string, contentType = 'application/json') =>
        probe(label, { method: operation.method, url, headers: { 'content-type': contentType }, payload });
      for (const name of Object.keys(operation.body?.properties ?? {})) {
        for (const value of hostileValues) {
          await probe(`${label} /${name}=${show(value)}`, {
            method: operation.method,
            url,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ ...valid, [name]: value }),
          });
        }
      }
      for (const body of hostileBodies(valid)) await send(body);
      for (const contentType of wrongContentTypes) await send(JSON.stringify(valid), contentType);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('every query parameter and path parameter: no 5xx, nothing half-stored', {
    timeout: 300_000,
  }, async () => {
    failures.length = 0;
    for (const operation of await operations()) {
      const label = `${operation.method} ${operation.path}`;
      const payload = isWrite(operation.method) ? JSON.stringify(example(operation.body)) : undefined;
      const headers: Record<string, string> =
        payload === undefined ? {} : { 'content-type': 'application/json' };
      for (const name of operation.query) {
        for (const value of hostileQueryValues) {
          await probe(`${label}?${name}=${value.slice(0, 20)}`, {
            method: operation.method,
            url: `${urlOf(operation)}?${name}=${value}`,
            headers,
            ...(payload === undefined ? {} : { payload }),
          });
        }
        await probe(`${label}?${name} repeated`, {
          method: operation.method,
          url: `${urlOf(operation)}?${name}=a&${name}=b&${name}[]=c`,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
      }
      for (const pollution of ['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', '%00=1']) {
        await probe(`${label}?${pollution}`, {
          method: operation.method,
          url: `${urlOf(operation)}?${pollution}`,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
      }
      for (const name of operation.path.match(/\{(\w+)\}/g)?.map((part) => part.slice(1, -1)) ?? []) {
        for (const value of hostilePathValues) {
          await probe(`${label} {${name}}=${value.slice(0, 20)}`, {
            method: operation.method,
            url: urlOf(operation, { name, value }),
            headers,
            ...(payload === undefined ? {} : { payload }),
          });
        }
      }
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile input on the raw-body routes (webhook, import)', () => {
  /** Events with one field hostile; signed, so they pass verification and reach the parser. */
  const hostileEvents = (): unknown[] =>
    [
      'externalId',
      'text',
      'customerRef',
      'touchpoint',
      'locale',
      'unit',
      'occurredAt',
      'ratings',
      'metadata',
    ].flatMap((field) =>
      hostileValues.map((value) => ({ externalId: `hostile-${randomUUID()}`, text: 'Fine', [field]: value })),
    );

  it('signed webhook deliveries with a hostile value in each field: no 5xx, a refusal stores nothing', {
    timeout: 300_000,
  }, async () => {
    failures.length = 0;
    const statuses = new Set<number>();
    for (const event of [...hostileEvents(), { events: hostileEvents().slice(0, 50) }]) {
      const before = await rowCounts();
      const response = await postSigned(api.app, webhookSource, event);
      statuses.add(response.statusCode);
      const where = `${JSON.stringify(event).slice(0, 120)} → ${response.statusCode} ${response.body.slice(0, 160)}`;
      if (response.statusCode >= 500) failures.push(where);
      if (response.statusCode >= 400) {
        const after = await rowCounts();
        if (after.feedback !== before.feedback) failures.push(`refused but stored: ${where}`);
      }
    }
    for (const body of hostileBodies({ text: 'Fine' })) {
      const response = await postSigned(api.app, webhookSource, body.toString('latin1'));
      if (response.statusCode >= 500) failures.push(`${body.subarray(0, 40)} → ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
    // The values reached the parser: some were stored, some refused for their field, none rate-limited away.
    expect([...statuses].sort()).toEqual([202, 422]);
  });

  it('imports with a hostile value in each field, in NDJSON and CSV: no 5xx, bad rows reported by line', {
    timeout: 120_000,
  }, async () => {
    const events = hostileEvents();
    const ndjson = events.map((event) => JSON.stringify(event)).join('\n');
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${webhookSource.sourceId}/imports`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const report = response.json();
    expect(report.rows).toBe(events.length);
    expect(report.created + report.duplicates + report.rejected).toBe(events.length);
    const csvCells = hostileValues.filter((value): value is string => typeof value === 'string');
    const csv = ['externalId,text,customerRef,occurredAt,nps,extra']
      .concat(
        csvCells.map(
          (cell, index) =>
            `csv-${index}-${randomUUID()},"${cell.replaceAll('"', '""')}",${cell.slice(0, 50)},${cell.slice(0, 30)},${cell.slice(0, 10)},"${cell}"`,
        ),
      )
      .join('\n');
    const csvResponse = await api.app.inject({
      method: 'POST',
      url: `/v1/sources/${webhookSource.sourceId}/imports`,
      headers: { authorization: `Bearer ${tenant.apiKeys.admin}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(csvResponse.statusCode, csvResponse.body.slice(0, 300)).toBe(200);
    const csvReport = csvResponse.json();
    expect(csvReport.created + csvReport.duplicates + csvReport.rejected).toBe(csvReport.rows);
  });
});
