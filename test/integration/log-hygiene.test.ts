/**
 * Captures everything the API logs at debug level through a realistic run and checks that no secret and no
 * raw customer detail reaches the log. The logger is the product's own (createLogger, with its redaction);
 * only its destination is swapped for an in-memory stream.
 */
import { Writable } from 'node:stream';
import { createLogger } from '@cxloop/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  postSigned,
  startTestApi,
  type TestApi,
  type TestTenant,
} from '../support/fixtures.js';

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  const logger = createLogger('api-log-hygiene', 'debug');
  // pino keeps its destination under the `pino.stream` symbol; child loggers (one per request) inherit it.
  const streamSym = Object.getOwnPropertySymbols(logger).find(
    (symbol) => symbol.description === 'pino.stream',
  );
  if (!streamSym) throw new Error('pino no longer keeps its stream under the pino.stream symbol');
  (logger as unknown as Record<symbol, unknown>)[streamSym] = capture;
  api = await startTestApi({ logger });
  tenant = await createTenant(api.db, api.secretBox, 'Log hygiene org');
});
afterAll(async () => {
  await api.close();
});

describe('log hygiene', () => {
  it('logs one line per request and no secret, key, cookie, token or raw PII', async () => {
    const email = 'jane.customer@example.org';
    const phone = '+44 7700 900461';
    const card = '4111 1111 1111 1111';
    let sent = 0;
    const send = async <T>(request: Promise<T>) => {
      sent += 1;
      return request;
    };

    const signIn = await send(
      api.app.inject({ method: 'POST', url: '/v1/session', payload: { apiKey: tenant.apiKeys.admin } }),
    );
    expect(signIn.statusCode).toBe(200);
    const cookieValue = /cxloop_session=([^;]*)/.exec(String(signIn.headers['set-cookie']))?.[1] as string;
    expect(cookieValue).toBeTruthy();
    expect(
      (
        await send(
          api.app.inject({
            method: 'GET',
            url: '/v1/session',
            headers: { cookie: `cxloop_session=${cookieValue}` },
          }),
        )
      ).statusCode,
    ).toBe(200);

    const accepted = await send(
      postSigned(api.app, tenant, {
        externalId: 'pii-1',
        text: `Card ${card} was charged twice, email me at ${email} or call ${phone}`,
        customerRef: email,
        ratings: { nps: 2 },
      }),
    );
    expect(accepted.statusCode, accepted.body).toBeLessThan(300);
    const invalid = await send(postSigned(api.app, tenant, { externalId: 42, text: `call ${phone}` }));
    expect(invalid.statusCode).toBe(422);
    const badSignature = await send(
      postSigned(
        api.app,
        tenant,
        { externalId: 'pii-2', text: email },
        { secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      ),
    );
    expect(badSignature.statusCode).toBe(401);

    const created = await send(
      api.app.inject({
        method: 'POST',
        url: '/v1/surveys',
        headers: { authorization: `Bearer ${tenant.apiKeys.admin}` },
        payload: { name: 'Pulse', template: { kind: 'framework', elements: ['D5.2'] } },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const surveyId = created.json().id as string;
    const admin = { authorization: `Bearer ${tenant.apiKeys.admin}` };
    expect(
      (await send(api.app.inject({ method: 'POST', url: `/v1/surveys/${surveyId}/open`, headers: admin })))
        .statusCode,
    ).toBe(200);
    const invited = await send(
      api.app.inject({
        method: 'POST',
        url: `/v1/surveys/${surveyId}/invitations`,
        headers: admin,
        payload: { count: 1 },
      }),
    );
    const surveyToken = invited.json().invitations[0].token as string;
    const answered = await send(
      api.app.inject({
        method: 'POST',
        url: `/v1/survey-invitations/${surveyToken}/response`,
        payload: { answers: [{ question: 'D5.2.1', answer: 4 }] },
      }),
    );
    expect(answered.statusCode, answered.body).toBe(201);
    expect(
      (await send(api.app.inject({ method: 'GET', url: `/v1/survey-invitations/${surveyToken}` })))
        .statusCode,
    ).toBeLessThan(500);
    expect(
      (
        await send(
          api.app.inject({
            method: 'GET',
            url: '/v1/feedback',
            headers: { 'x-api-key': tenant.apiKeys.manager },
          }),
        )
      ).statusCode,
    ).toBeLessThan(500);

    const log = lines.join('\n');
    // One access line per request: the capture really saw the run.
    const completed = lines.filter((line) => JSON.parse(line).msg === 'request');
    expect(completed).toHaveLength(sent);

    const forbidden = {
      signingSecret: tenant.secret,
      ...Object.fromEntries(Object.entries(tenant.apiKeys).map(([role, key]) => [`apiKey:${role}`, key])),
      sessionCookie: cookieValue,
      surveyToken,
      email,
      phone,
      card,
    };
    for (const [what, value] of Object.entries(forbidden)) {
      expect(log.includes(value), `${what} appears in the log`).toBe(false);
    }
    expect(log).not.toMatch(/whsec_[A-Za-z0-9+/=]{8,}/);
    expect(log).not.toMatch(/cxk_[0-9a-f]{8,}/);
  });
});
