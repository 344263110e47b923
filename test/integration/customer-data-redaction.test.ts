import { createAnalyzeProcessor } from '@cxloop/analysis-worker';
import type { FeedbackBatchJob } from '@cxloop/contracts';
import { createAggregateQueue, redisOptions } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * DESIGN invariant 8: customer data is shown by role, decided in one place. A customer's email, phone
 * number and name are planted in every customer field (text, reference, external id, metadata keys and
 * values, case notes, a dismiss reason, a delivery body); a manager must find none of them on any route,
 * while responders and admins see what they were sent.
 */

const EMAIL = 'priya.raman@example.com';
const PHONE = '+44 7700 900123';
const NAME = 'Priya Raman';
/** What must never reach a manager, in any spelling the routes could produce. */
const PLANTED = [EMAIL, 'priya.raman', PHONE, '7700', '900123', NAME, 'Priya', 'Raman'];

/**
 * Routes whose answers carry customer data, each driven below. Adding one without a test fails the guard.
 * CSV exports declare no fields for the guard to find; they are driven below all the same.
 */
const COVERED_ROUTES = [
  'GET /v1/feedback',
  'GET /v1/feedback/{id}',
  'GET /v1/cases',
  'GET /v1/cases/{id}',
  'GET /v1/cases/{id}/events',
  'POST /v1/cases/claim-next',
  'POST /v1/cases/{id}/transitions',
  'POST /v1/cases/{id}/assignment',
  'POST /v1/cases/{id}/claim',
  'POST /v1/cases/{id}/replies',
  'POST /v1/cases/{id}/notes',
  'GET /v1/sources/{sourceId}/deliveries',
];
/** Response fields that only ever hold customer data. */
const CUSTOMER_FIELDS = new Set([
  'customerRef',
  'externalId',
  'metadata',
  'dismissReason',
  'redactedBody',
  'body',
  'details',
  'headline',
]);
/** The webhooks' answers echo the sender's own ids back to the sender: not a read of customer data. */
const ECHO_TO_SENDER = new Set([
  'POST /v1/sources/{sourceId}/events',
  'POST /v1/sources/{sourceId}/outcomes',
  // The opt-out a staff member records answers with the customer reference they sent.
  'POST /v1/contact-opt-outs',
]);
/** Written by staff, not customers: reply templates (boilerplate for any customer) and improvement actions. */
const STAFF_WRITTEN = new Set([
  // Improvement actions: comments (`body`) are staff's, audit `details` hold field names, origins and verdicts.
  'GET /v1/actions/{id}',
  'PATCH /v1/actions/{id}',
  'POST /v1/actions',
  'POST /v1/actions/{id}/comments',
  'GET /v1/reply-templates',
  'POST /v1/reply-templates',
  'PATCH /v1/reply-templates/{id}',
]);

let api: TestApi;
let tenant: TestTenant;
let feedbackId: string;
let caseId: string;

function call(method: 'GET' | 'POST', url: string, apiKey: string, payload?: object, ifMatch?: string) {
  return api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${apiKey}`, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    ...(payload ? { payload } : {}),
  });
}

function leaks(body: string): string[] {
  return PLANTED.filter((planted) => body.toLowerCase().includes(planted.toLowerCase()));
}

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Redaction org');
  const accepted = await postSigned(api.app, tenant, {
    externalId: EMAIL,
    text: `Third parcel lost. Call me on ${PHONE} or write to ${EMAIL}. I am cancelling my account.`,
    customerRef: `${NAME} ${PHONE}`,
    metadata: {
      customer: { name: NAME, email: EMAIL, phone: PHONE, mobile: 447700900123 },
      [EMAIL]: true,
      vip: true,
    },
  });
  expect(accepted.statusCode).toBe(202);
  feedbackId = accepted.json().id;
  // The real analyser, as the worker runs it: it stores the redacted text and opens the case.
  const aggregateQueue = createAggregateQueue({ connection: redisOptions(redisUrl), prefix: api.prefix });
  const analyse = createAnalyzeProcessor({ db: api.db, aggregateQueue });
  await analyse({ data: { feedbackIds: [feedbackId], orgId: tenant.orgId } } as Job<FeedbackBatchJob>);
  await aggregateQueue.close();
  const opened = await api.db
    .selectFrom('cases')
    .select('id')
    .where('feedback_id', '=', feedbackId)
    .executeTakeFirstOrThrow();
  caseId = opened.id;
  const note = await call('POST', `/v1/cases/${caseId}/notes`, tenant.apiKeys.responder, {
    body: `Spoke to ${NAME} on ${PHONE}`,
  });
  expect(note.statusCode).toBe(201);
  const current = await call('GET', `/v1/cases/${caseId}`, tenant.apiKeys.responder);
  const dismissed = await call(
    'POST',
    `/v1/cases/${caseId}/transitions`,
    tenant.apiKeys.responder,
    { status: 'dismissed', reason: `duplicate of the mail from ${EMAIL}` },
    current.headers.etag as string,
  );
  expect(dismissed.statusCode).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

describe('a manager sees no customer data on any route', () => {
  const manager = () => tenant.apiKeys.manager;
  const cases: [string, () => Promise<{ statusCode: number; body: string }>, number][] = [
    ['GET /v1/feedback', () => call('GET', '/v1/feedback', manager()), 200],
    ['GET /v1/feedback?q=', () => call('GET', '/v1/feedback?q=priya', manager()), 200],
    ['GET /v1/feedback/{id}', () => call('GET', `/v1/feedback/${feedbackId}`, manager()), 200],
    ['GET /v1/feedback/export.csv', () => call('GET', '/v1/feedback/export.csv', manager()), 200],
    ['GET /v1/feedback/export.csv?q=', () => call('GET', '/v1/feedback/export.csv?q=priya', manager()), 200],
    ['GET /v1/cases', () => call('GET', '/v1/cases', manager()), 200],
    ['GET /v1/cases/{id}', () => call('GET', `/v1/cases/${caseId}`, manager()), 200],
    ['GET /v1/cases/{id}/events', () => call('GET', `/v1/cases/${caseId}/events`, manager()), 200],
    ['POST /v1/cases/claim-next', () => call('POST', '/v1/cases/claim-next', manager()), 403],
    // Managers hand out work: an assignment answers with the case, as they may see it.
    [
      'POST /v1/cases/{id}/assignment',
      async () => {
        const current = await call('GET', `/v1/cases/${caseId}`, manager());
        return call(
          'POST',
          `/v1/cases/${caseId}/assignment`,
          manager(),
          { assigneeId: null },
          current.headers.etag as string,
        );
      },
      200,
    ],
    ...(['transitions', 'claim', 'replies'] as const).map(
      (change) =>
        [
          `POST /v1/cases/{id}/${change}`,
          () => call('POST', `/v1/cases/${caseId}/${change}`, manager(), {}, '"1"'),
          403,
        ] as [string, () => Promise<{ statusCode: number; body: string }>, number],
    ),
    [
      'POST /v1/cases/{id}/notes',
      () => call('POST', `/v1/cases/${caseId}/notes`, manager(), { body: 'x' }),
      403,
    ],
    [
      'GET /v1/sources/{sourceId}/deliveries',
      () => call('GET', `/v1/sources/${tenant.sourceId}/deliveries`, manager()),
      403,
    ],
  ];
  it.each(cases)('%s', async (_route, request, status) => {
    const response = await request();
    expect(response.statusCode).toBe(status);
    expect(leaks(response.body), response.body).toEqual([]);
  });

  it('still tells a manager what kind of data was there, and which feedback came from one customer', async () => {
    const feedback = (await call('GET', `/v1/feedback/${feedbackId}`, manager())).json();
    expect(feedback.redacted).toBe(true);
    expect(feedback.text).toContain('[PHONE]');
    expect(feedback.text).toContain('[EMAIL]');
    expect(feedback.metadata).toEqual({
      customer: { name: '[REDACTED]', email: '[REDACTED]', phone: '[REDACTED]', mobile: '[REDACTED]' },
      vip: true,
    });
    expect(feedback.analysis.details.keywords).toBeUndefined();
    const listed = (await call('GET', '/v1/cases', manager())).json().items[0];
    // The same keyed pseudonym on the case as on its feedback: repeat contacts stay visible.
    expect(listed.customerRef).toBe(feedback.customerRef);
    expect(listed.customerRef).toMatch(/^p_[0-9a-f]{16}$/);
  });

  it('a manager searching for a hidden word finds nothing', async () => {
    for (const hidden of ['900123', 'Priya', EMAIL]) {
      const found = (await call('GET', `/v1/feedback?q=${encodeURIComponent(hidden)}`, manager())).json();
      expect(found.items, hidden).toEqual([]);
      expect(found.total, hidden).toBe(0);
    }
  });
});

describe('responders and admins see customer data as sent', () => {
  it.each(['responder', 'admin'] as const)('%s', async (role) => {
    const key = tenant.apiKeys[role];
    const feedback = (await call('GET', `/v1/feedback/${feedbackId}`, key)).json();
    expect(feedback).toMatchObject({ redacted: false, customerRef: `${NAME} ${PHONE}`, externalId: EMAIL });
    expect(feedback.text).toContain(PHONE);
    expect(feedback.metadata.customer.name).toBe(NAME);
    const detail = (await call('GET', `/v1/cases/${caseId}`, key)).json();
    expect(detail.customerRef).toBe(`${NAME} ${PHONE}`);
    expect(detail.notes[0].body).toContain(PHONE);
    expect(detail.dismissReason).toContain(EMAIL);
  });

  it('an admin reads the delivery log as logged', async () => {
    const log = (await call('GET', `/v1/sources/${tenant.sourceId}/deliveries`, tenant.apiKeys.admin)).json();
    expect(log.deliveries[0].redactedBody).toContain(NAME);
  });
});

describe('guard: every route answering with customer fields is covered above', () => {
  function customerFieldsIn(schema: unknown, found = new Set<string>()): Set<string> {
    if (Array.isArray(schema)) for (const item of schema) customerFieldsIn(item, found);
    else if (schema !== null && typeof schema === 'object') {
      for (const [key, value] of Object.entries(schema)) {
        if (key === 'properties' && value && typeof value === 'object') {
          for (const field of Object.keys(value)) if (CUSTOMER_FIELDS.has(field)) found.add(field);
        }
        customerFieldsIn(value, found);
      }
    }
    return found;
  }

  it('lists no route that returns customer fields without a redaction test', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const routes: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, { responses?: unknown }>>(
      document.paths,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (
          !ECHO_TO_SENDER.has(route) &&
          !STAFF_WRITTEN.has(route) &&
          customerFieldsIn(operation.responses).size > 0
        )
          routes.push(route);
      }
    }
    expect(routes.sort()).toEqual([...COVERED_ROUTES].sort());
  });
});
