/**
 * Fuzzing of the webhook route for every adapter and of a few JSON endpoints: random and malformed bodies,
 * headers and content types must never produce a 5xx, never store a row when refused, and always answer
 * errors as problem+json. A correctly signed but invalid body is a client error about the body, not 401.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '@cxloop/db';
import { signWebhook } from '@cxloop/runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countFeedback,
  createTenant,
  openFlaggedCase,
  startTestApi,
  TEST_PUBLIC_BASE_URL,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';
import { createSourceVia } from '../support/sources.js';
import {
  delightedSurveyResponseUpdated,
  hubspotFeedbackSubmissionCreated,
  intercomRatingAdded,
  mailgunInboundFields,
  qualtricsCompletedResponseMessage,
  twilioInboundSms,
  typeformFormResponse,
  zendeskTicketCreated,
} from '../support/vendor-payloads.js';

const NUM_RUNS = 150;
const BODY_LIMIT_BYTES = 256 * 1024;

let api: TestApi;
let tenant: TestTenant;

type Headers = Record<string, string | string[]>;

/** How one adapter's sender signs a delivery, and a payload it would accept. */
interface AdapterUnderTest {
  adapter: string;
  sourceId: string;
  /** Headers (and for Mailgun, body fields) that sign `body` correctly. */
  sign(body: Buffer): { headers: Headers; body: Buffer };
  contentType: string;
  validPayload(): Record<string, unknown>;
  form: boolean;
}

const adapters: AdapterUnderTest[] = [];

const nowSeconds = () => Math.floor(Date.now() / 1000);
const hmac = (algorithm: string, key: string, data: string | Buffer) =>
  createHmac(algorithm, key).update(data);

function twilioSign(token: string, url: string, body: Buffer): string {
  const params = new URLSearchParams(body.toString('utf8'));
  const names = [...new Set(params.keys())].sort();
  const data = names.map((name) =>
    params
      .getAll(name)
      .sort()
      .map((value) => name + value)
      .join(''),
  );
  return hmac('sha1', token, url + data.join('')).digest('base64');
}

beforeAll(async () => {
  // No vendor API stands in here: the few fetches an accepted HubSpot or Qualtrics delivery starts fail fast
  // (nothing listens on port 9) and wait for a retry; this suite checks the webhook only.
  api = await startTestApi({
    vendorApiUrls: { hubspot: 'http://127.0.0.1:9', qualtrics: 'http://127.0.0.1:9' },
  });
  tenant = await createTenant(api.db, api.secretBox, 'Fuzz org');
  adapters.push({
    adapter: 'generic',
    sourceId: tenant.sourceId,
    contentType: 'application/json',
    form: false,
    sign: (body) => ({
      headers: { ...signWebhook(tenant.secret, `msg_${randomUUID()}`, nowSeconds(), body) },
      body,
    }),
    validPayload: () => ({ externalId: randomUUID(), text: 'Fine service', ratings: { nps: 9 } }),
  });
  const typeform = await createSourceVia(api.app, tenant, { adapter: 'typeform' });
  adapters.push({
    adapter: 'typeform',
    sourceId: typeform.id,
    contentType: 'application/json',
    form: false,
    sign: (body) => ({
      headers: { 'typeform-signature': `sha256=${hmac('sha256', typeform.secret, body).digest('base64')}` },
      body,
    }),
    validPayload: () => typeformFormResponse({ token: randomUUID() }),
  });
  const twilioToken = 'twilio-fuzz-token-0123456789abcdef';
  const twilio = await createSourceVia(api.app, tenant, { adapter: 'twilio', secret: twilioToken });
  adapters.push({
    adapter: 'twilio',
    sourceId: twilio.id,
    contentType: 'application/x-www-form-urlencoded',
    form: true,
    sign: (body) => ({
      headers: {
        'x-twilio-signature': twilioSign(
          twilioToken,
          `${TEST_PUBLIC_BASE_URL}/v1/sources/${twilio.id}/events`,
          body,
        ),
      },
      body,
    }),
    validPayload: () => twilioInboundSms({ MessageSid: `SM${randomUUID().replaceAll('-', '')}` }),
  });
  const mailgunKey = 'key-mailgun-fuzz-signing-0123';
  const mailgun = await createSourceVia(api.app, tenant, { adapter: 'mailgun', secret: mailgunKey });
  adapters.push({
    adapter: 'mailgun',
    sourceId: mailgun.id,
    contentType: 'application/x-www-form-urlencoded',
    form: true,
    // Mailgun signs inside the body: the signing fields go first, so they are the values the route reads.
    sign: (body) => {
      const timestamp = String(nowSeconds());
      const token = randomUUID().replaceAll('-', '');
      const signature = hmac('sha256', mailgunKey, timestamp + token).digest('hex');
      const prefix = new URLSearchParams({ timestamp, token, signature }).toString();
      return { headers: {}, body: Buffer.concat([Buffer.from(body.length ? `${prefix}&` : prefix), body]) };
    },
    validPayload: () => mailgunInboundFields({ 'Message-Id': `<${randomUUID()}@mg.example.com>` }),
  });
  const zendeskSecret = 'zendesk-fuzz-signing-secret-0123';
  const zendesk = await createSourceVia(api.app, tenant, { adapter: 'zendesk', secret: zendeskSecret });
  adapters.push({
    adapter: 'zendesk',
    sourceId: zendesk.id,
    contentType: 'application/json',
    form: false,
    sign: (body) => {
      const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        headers: {
          'x-zendesk-webhook-signature': hmac(
            'sha256',
            zendeskSecret,
            Buffer.concat([Buffer.from(timestamp), body]),
          ).digest('base64'),
          'x-zendesk-webhook-signature-timestamp': timestamp,
        },
        body,
      };
    },
    validPayload: () => zendeskTicketCreated({ id: randomUUID() }),
  });
  const intercomSecret = 'intercom-fuzz-client-secret-0123';
  const intercom = await createSourceVia(api.app, tenant, { adapter: 'intercom', secret: intercomSecret });
  adapters.push({
    adapter: 'intercom',
    sourceId: intercom.id,
    contentType: 'application/json',
    form: false,
    sign: (body) => ({
      headers: { 'x-hub-signature': `sha1=${hmac('sha1', intercomSecret, body).digest('hex')}` },
      body,
    }),
    validPayload: () => intercomRatingAdded() as Record<string, unknown>,
  });
  const delightedKey = randomBytes(16).toString('hex');
  const delighted = await createSourceVia(api.app, tenant, { adapter: 'delighted', secret: delightedKey });
  adapters.push({
    adapter: 'delighted',
    sourceId: delighted.id,
    contentType: 'application/json',
    form: false,
    sign: (body) => ({
      headers: {
        'x-delighted-webhook-signature': `sha256=${hmac('sha256', delightedKey, body).digest('hex')}`,
      },
      body,
    }),
    validPayload: () => delightedSurveyResponseUpdated({ id: randomUUID(), eventId: randomUUID() }),
  });
  const hubspotSecret = randomBytes(16).toString('hex');
  const hubspot = await createSourceVia(api.app, tenant, {
    adapter: 'hubspot',
    secret: hubspotSecret,
    vendorToken: `pat-${randomBytes(8).toString('hex')}`,
  });
  adapters.push({
    adapter: 'hubspot',
    sourceId: hubspot.id,
    contentType: 'application/json',
    form: false,
    sign: (body) => {
      const timestamp = String(Date.now());
      const url = `${TEST_PUBLIC_BASE_URL}/v1/sources/${hubspot.id}/events`;
      const signature = hmac(
        'sha256',
        hubspotSecret,
        Buffer.concat([Buffer.from(`POST${url}`), body, Buffer.from(timestamp)]),
      ).digest('base64');
      return {
        headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
        body,
      };
    },
    // A JSON array is the body; the generators' wrong-typed variants of it are objects and scalars.
    validPayload: () =>
      hubspotFeedbackSubmissionCreated([
        String(Date.now() + Math.floor(Math.random() * 1e6)),
      ]) as unknown as Record<string, unknown>,
  });
  const qualtrics = await createSourceVia(api.app, tenant, {
    adapter: 'qualtrics',
    vendorToken: `qualtrics-${randomBytes(8).toString('hex')}`,
    adapterConfig: { datacenter: 'fra1' },
  });
  adapters.push({
    adapter: 'qualtrics',
    sourceId: qualtrics.id,
    contentType: 'application/x-www-form-urlencoded',
    form: true,
    // Qualtrics signs the MSG field only: the HMAC field is added to whatever else the body holds.
    sign: (body) => {
      const fields = new URLSearchParams(body.toString('utf8'));
      fields.set('HMAC', hmac('sha512', qualtrics.secret, fields.get('MSG') ?? '').digest('hex'));
      return { headers: {}, body: Buffer.from(fields.toString()) };
    },
    validPayload: () => ({
      Topic: 'surveyengine.completedResponse.SV_1AmkKSDmoZ4XlQx',
      MSG: qualtricsCompletedResponseMessage(`R_${randomUUID().replaceAll('-', '').slice(0, 15)}`),
    }),
  });
});

afterAll(async () => {
  await api.close();
});

// ---- arbitraries ----

/** A valid payload with one top-level field replaced by a value of a random (usually wrong) type. */
const wrongTypes = (valid: () => Record<string, unknown>) =>
  fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })).map(([index, value]) => {
    const payload = valid();
    const keys = Object.keys(payload);
    const key = keys[index % keys.length] as string;
    return { ...payload, [key]: value };
  });

/** Malformed bodies of every kind, as the bytes on the wire. */
function bodies(target: AdapterUnderTest): fc.Arbitrary<Buffer> {
  const serialise = (value: unknown) =>
    target.form && value !== null && typeof value === 'object' && !Array.isArray(value)
      ? new URLSearchParams(
          Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ).toString()
      : JSON.stringify(value);
  return fc.oneof(
    fc.json({ maxDepth: 4 }).map((text) => Buffer.from(text)),
    wrongTypes(target.validPayload).map((value) => Buffer.from(serialise(value))),
    fc
      .integer({ min: 1, max: 20_000 })
      .map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
    fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
    fc
      .integer({ min: BODY_LIMIT_BYTES - 64, max: BODY_LIMIT_BYTES + 4096 })
      .map((size) => Buffer.from(`{"externalId":"x","text":"${'a'.repeat(size)}"}`)),
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
    // Invalid UTF-8 inside otherwise well-formed JSON or form text.
    fc.constantFrom(
      Buffer.concat([
        Buffer.from('{"externalId":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
      Buffer.concat([Buffer.from('Body='), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('&MessageSid=SMx')]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    ),
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.constant(Buffer.alloc(0)),
  );
}

const contentTypes = (target: AdapterUnderTest) =>
  fc.option(
    fc.oneof(
      fc.constant(target.contentType),
      fc.constantFrom(
        'application/json',
        'application/json; charset=latin1',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'text/plain',
        'application/octet-stream',
        'application/problem+json',
        ';;;',
        '',
      ),
      fc.string({ maxLength: 40 }),
    ),
    { nil: undefined },
  );

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => name !== 'content-length');
const randomHeaders = fc.dictionary(
  headerName,
  fc.string({ maxLength: 60 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')),
  {
    maxKeys: 4,
  },
);

type SignatureMode = 'none' | 'signed' | 'wrong' | 'duplicated';

function requestFor(
  target: AdapterUnderTest,
  body: Buffer,
  mode: SignatureMode,
): { headers: Headers; body: Buffer } {
  if (mode === 'none') return { headers: {}, body };
  const signed = target.sign(body);
  if (mode === 'signed') return signed;
  const headers: Headers = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    headers[name] =
      mode === 'duplicated' ? [String(value), `${String(value)}x`] : `${String(value).slice(0, -4)}AAA=`;
  }
  return {
    headers,
    body:
      mode === 'wrong' && target.adapter === 'mailgun'
        ? Buffer.concat([signed.body, Buffer.from('0')])
        : signed.body,
  };
}

function inject(target: AdapterUnderTest, headers: Headers, body: Buffer) {
  return api.app.inject({
    method: 'POST',
    url: `/v1/sources/${target.sourceId}/events`,
    headers,
    payload: body,
  });
}

function expectProblemJson(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(response.headers['content-type'], `${response.statusCode} ${response.body.slice(0, 200)}`).toMatch(
    /^application\/problem\+json/,
  );
}

describe('webhook route under fuzzing', () => {
  it.each([
    'generic',
    'typeform',
    'twilio',
    'mailgun',
    'zendesk',
    'intercom',
    'delighted',
    'hubspot',
    'qualtrics',
  ])(
    '%s: any body, headers and content type → never 5xx; refused stores nothing; errors are problem+json',
    async (adapter) => {
      const target = adapters.find((candidate) => candidate.adapter === adapter) as AdapterUnderTest;
      await fc.assert(
        fc.asyncProperty(
          bodies(target),
          contentTypes(target),
          randomHeaders,
          fc.constantFrom<SignatureMode>('none', 'signed', 'wrong', 'duplicated'),
          async (rawBody, contentType, extraHeaders, mode) => {
            const request = requestFor(target, rawBody, mode);
            const headers: Headers = {
              ...extraHeaders,
              ...request.headers,
              ...(contentType === undefined ? {} : { 'content-type': contentType }),
            };
            const before = await countFeedback(api.db, target.sourceId);
            const response = await inject(target, headers, request.body);
            expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
            if (response.statusCode >= 300) {
              expectProblemJson(response);
              expect(await countFeedback(api.db, target.sourceId)).toBe(before);
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
  );

  // Qualtrics is left out: a body without MSG has nothing signed, so it is rightly 401.
  it.each(['generic', 'typeform', 'twilio', 'mailgun', 'zendesk', 'intercom', 'delighted', 'hubspot'])(
    '%s: a correctly signed but invalid body is refused as a body error, never 401, and stores nothing',
    async (adapter) => {
      const target = adapters.find((candidate) => candidate.adapter === adapter) as AdapterUnderTest;
      // Mailgun reads every body refusal as 406, its "do not retry": the same body would come back for hours.
      const bodyRefusals = adapter === 'mailgun' ? [406] : [400, 413, 415, 422];
      const invalidBodies: fc.Arbitrary<Buffer> = target.form
        ? // Form fields without the vendor's required identifiers.
          fc
            .dictionary(
              fc
                .string({ minLength: 1, maxLength: 12 })
                .filter((key) => !/^(MessageSid|Message-Id|token|timestamp|signature)$/i.test(key)),
              fc.string({ maxLength: 40 }),
              { maxKeys: 5 },
            )
            .map((fields) => Buffer.from(new URLSearchParams(fields).toString()))
        : fc.oneof(
            // JSON that is cut short, JSON scalars, and bytes that are not UTF-8.
            fc.json({ maxDepth: 3 }).map((text) => Buffer.from(`${text}{`)),
            fc
              .oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string())
              .map((v) => Buffer.from(JSON.stringify(v))),
            fc
              .uint8Array({ minLength: 1, maxLength: 64 })
              .map((bytes) => Buffer.concat([Buffer.from([0xff]), Buffer.from(bytes)])),
          );
      await fc.assert(
        fc.asyncProperty(invalidBodies, async (rawBody) => {
          const request = target.sign(rawBody);
          const before = await countFeedback(api.db, target.sourceId);
          const response = await inject(
            target,
            { ...request.headers, 'content-type': target.contentType },
            request.body,
          );
          expect(bodyRefusals, `${response.statusCode} ${response.body.slice(0, 300)}`).toContain(
            response.statusCode,
          );
          expectProblemJson(response);
          expect(await countFeedback(api.db, target.sourceId)).toBe(before);
        }),
        { numRuns: NUM_RUNS },
      );
    },
  );

  it('the generators can produce an accepted delivery (the properties are not vacuous)', async () => {
    for (const target of adapters) {
      const payload = target.validPayload();
      const raw = Buffer.from(
        target.form
          ? new URLSearchParams(payload as Record<string, string>).toString()
          : JSON.stringify(payload),
      );
      const request = target.sign(raw);
      const response = await inject(
        target,
        { ...request.headers, 'content-type': target.contentType },
        request.body,
      );
      expect(response.statusCode, `${target.adapter}: ${response.body}`).toBeLessThan(300);
    }
  });
});

// ---- JSON endpoints ----

const asAdmin = () => ({ authorization: `Bearer ${tenant.apiKeys.admin}` });

async function countRows(db: Db, table: 'surveys' | 'case_notes', orgId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const jsonBodies = (valid: () => Record<string, unknown>) =>
  fc.oneof(
    fc.json({ maxDepth: 4 }).map((text) => Buffer.from(text)),
    wrongTypes(valid).map((value) => Buffer.from(JSON.stringify(value))),
    fc
      .integer({ min: 1, max: 20_000 })
      .map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ maxLength: 100 }).map((text) => Buffer.from(text)),
  );

const jsonContentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
);

describe('JSON endpoints under fuzzing', () => {
  it('POST /v1/surveys: never 5xx; a refused body creates no survey and is problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonBodies(() => ({ name: 'Pulse', template: { kind: 'framework', elements: ['D5.2'] } })),
        jsonContentTypes,
        async (body, contentType) => {
          const before = await countRows(api.db, 'surveys', tenant.orgId);
          const response = await api.app.inject({
            method: 'POST',
            url: '/v1/surveys',
            headers: { ...asAdmin(), 'content-type': contentType },
            payload: body,
          });
          expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
          if (response.statusCode >= 300) {
            expectProblemJson(response);
            expect(await countRows(api.db, 'surveys', tenant.orgId)).toBe(before);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST /v1/cases/:id/notes: never 5xx; a refused note stores nothing and is problem+json', async () => {
    const { caseId } = await openFlaggedCase(api.db, tenant);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(caseId), fc.uuid(), fc.string({ maxLength: 40 }).map(encodeURIComponent)),
        jsonBodies(() => ({ body: 'Called the customer back' })),
        jsonContentTypes,
        async (id, body, contentType) => {
          const before = await countRows(api.db, 'case_notes', tenant.orgId);
          const response = await api.app.inject({
            method: 'POST',
            url: `/v1/cases/${id}/notes`,
            headers: { ...asAdmin(), 'content-type': contentType },
            payload: body,
          });
          expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
          if (response.statusCode >= 300) {
            expectProblemJson(response);
            expect(await countRows(api.db, 'case_notes', tenant.orgId)).toBe(before);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  // Found by this suite: PATCH with `{}` once built `update … set where …` and answered 500.
  it('PATCH /v1/sources/:id with an empty object changes nothing and answers 200', async () => {
    const source = await createSourceVia(api.app, tenant, { adapter: 'generic', name: 'Empty patch' });
    const response = await api.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${source.id}`,
      headers: asAdmin(),
      payload: {},
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().name).toBe('Empty patch');
  });

  it('PATCH /v1/sources/:id: never 5xx; a refused change leaves the source as it was', async () => {
    const source = await createSourceVia(api.app, tenant, { adapter: 'generic', name: 'Patched by fuzzing' });
    const sourceRow = () =>
      api.db.selectFrom('sources').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
    await fc.assert(
      fc.asyncProperty(
        jsonBodies(() => ({ name: 'Renamed', status: 'active' })),
        jsonContentTypes,
        async (body, contentType) => {
          const before = await sourceRow();
          const response = await api.app.inject({
            method: 'PATCH',
            url: `/v1/sources/${source.id}`,
            headers: { ...asAdmin(), 'content-type': contentType },
            payload: body,
          });
          expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
          if (response.statusCode >= 300) {
            expectProblemJson(response);
            expect(await sourceRow()).toEqual(before);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('GET /v1/feedback with random query strings: never 5xx; errors are problem+json', async () => {
    const names = fc.constantFrom(
      'limit',
      'cursor',
      'channel',
      'sourceId',
      'from',
      'to',
      'q',
      'severity',
      'flag',
      'topic',
      'sort',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer().map(String),
      fc.uuid(),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.constant(''),
      fc.string({ minLength: 2000, maxLength: 5000 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(names, fc.string({ maxLength: 10 })), value), { maxLength: 6 }),
        fc.option(fc.stringMatching(/^[%&=?#+a-z0-9]{0,40}$/), { nil: undefined }),
        async (pairs, raw) => {
          const query = raw ?? new URLSearchParams(pairs).toString();
          const response = await api.app.inject({
            method: 'GET',
            url: `/v1/feedback?${query}`,
            headers: asAdmin(),
          });
          expect(response.statusCode, `${query.slice(0, 200)} → ${response.body.slice(0, 300)}`).toBeLessThan(
            500,
          );
          if (response.statusCode >= 300) expectProblemJson(response);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
