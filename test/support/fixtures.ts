import { randomBytes, randomUUID } from 'node:crypto';
import { type AppDeps, buildApp, issueApiKey } from '@cxloop/api';
import { type Role, roles } from '@cxloop/contracts';
import {
  createApiKey,
  createDb,
  createMember,
  createOrganisation,
  createSource,
  type Db,
  type NewFeedbackAnalysis,
  openCaseForAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import {
  type AnalyzeQueue,
  closeQueue,
  createAnalyzeQueue,
  createLogger,
  createOutboundQueue,
  createReanalysisQueue,
  createScoreQueue,
  generateSigningSecret,
  type OutboundAllowlist,
  type OutboundQueue,
  outboundAllowlistShape,
  type ReanalysisQueue,
  redisOptions,
  type ScoreQueue,
  SecretBox,
  signWebhook,
} from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { redisUrl } from './redis.js';

export { flushRedisPrefix } from './redis.js';

/** A Redis key prefix of this test file's own, under the run's prefix. */
export function uniquePrefix(): string {
  return `${inject('redisPrefix')}:${randomBytes(4).toString('hex')}`;
}

export function testDb(): Db {
  return createDb(inject('databaseUrl'), { maxConnections: 20 });
}

export interface TestTenant {
  orgId: string;
  sourceId: string;
  secret: string;
  apiKeys: Record<Role, string>;
}

/** A generic JSON source with a new signing secret, sealed as the API stores it; the secret signs deliveries. */
export async function createSignedSource(
  db: Db,
  secretBox: SecretBox,
  orgId: string,
  options: { name?: string; rateLimitPerMinute?: number } = {},
): Promise<{ sourceId: string; secret: string }> {
  const secret = generateSigningSecret();
  const source = await createSource(db, {
    orgId,
    name: options.name ?? 'Web feedback',
    channel: 'web',
    adapter: 'generic',
    secretCiphertext: secretBox.seal(secret),
    ...(options.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: options.rateLimitPerMinute }),
  });
  return { sourceId: source.id, secret };
}

/** An organisation with one generic JSON source and an API key per role. */
export async function createTenant(db: Db, secretBox: SecretBox, name = 'Test org'): Promise<TestTenant> {
  const org = await createOrganisation(db, name);
  const { sourceId, secret } = await createSignedSource(db, secretBox, org.id);
  const apiKeys = {} as Record<Role, string>;
  for (const role of roles) {
    const issued = issueApiKey();
    await createApiKey(db, {
      orgId: org.id,
      role,
      name: role,
      lookup: issued.lookup,
      secretHash: issued.secretHash,
    });
    apiKeys[role] = issued.plaintext;
  }
  return { orgId: org.id, sourceId, secret, apiKeys };
}

/** Test receivers listen on loopback: deliveries there need the operator's allowlist, as in production. */
export const testOutboundAllowlist: OutboundAllowlist = outboundAllowlistShape.parse('127.0.0.1');

/** The public URL test apps believe they are reached at (Twilio signs it). */
export const TEST_PUBLIC_BASE_URL = 'https://cx.example.com';

export interface TestApi {
  app: FastifyInstance;
  db: Db;
  analyzeQueue: AnalyzeQueue;
  scoreQueue: ScoreQueue;
  outboundQueue: OutboundQueue;
  reanalysisQueue: ReanalysisQueue;
  secretBox: SecretBox;
  prefix: string;
  close(): Promise<void>;
}

export async function startTestApi(overrides: Partial<AppDeps> = {}): Promise<TestApi> {
  const db = testDb();
  const prefix = uniquePrefix();
  const analyzeQueue = createAnalyzeQueue({ connection: redisOptions(redisUrl), prefix });
  const scoreQueue = createScoreQueue({ connection: redisOptions(redisUrl), prefix });
  const reanalysisQueue = createReanalysisQueue({ connection: redisOptions(redisUrl), prefix });
  const outboundQueue =
    overrides.outboundQueue ?? createOutboundQueue({ connection: redisOptions(redisUrl), prefix });
  const secretBox = new SecretBox(randomBytes(32).toString('hex'));
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const app = await buildApp({
    db,
    analyzeQueue,
    scoreQueue,
    outboundQueue,
    reanalysisQueue,
    secretBox,
    logger: createLogger('api-test', 'silent'),
    bodyLimitBytes: 256 * 1024,
    webhookToleranceSeconds: 300,
    redis,
    redisPrefix: prefix,
    apiKeyRateLimitPerMinute: 1_200,
    publicBaseUrl: TEST_PUBLIC_BASE_URL,
    outboundAllowlist: testOutboundAllowlist,
    ...overrides,
  });
  let closed: Promise<void> | undefined;
  return {
    app,
    db,
    analyzeQueue,
    scoreQueue,
    outboundQueue,
    reanalysisQueue,
    secretBox,
    prefix,
    // Idempotent: a test may close an instance early (to have it write what it holds) and again in `finally`.
    close() {
      closed ??= (async () => {
        await app.close();
        await Promise.all(
          [analyzeQueue, scoreQueue, outboundQueue, reanalysisQueue].map((queue) => closeQueue(queue)),
        );
        redis.disconnect();
        await db.destroy();
      })();
      return closed;
    },
  };
}

export interface SignedDelivery {
  webhookId?: string;
  timestampSeconds?: number;
  secret?: string;
}

/** Posts `body` to a source's webhook, signed as a Standard Webhooks sender would sign it. */
export function postSigned(
  app: FastifyInstance,
  tenant: Pick<TestTenant, 'sourceId' | 'secret'>,
  body: unknown,
  delivery: SignedDelivery = {},
) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signWebhook(
    delivery.secret ?? tenant.secret,
    delivery.webhookId ?? `msg_${randomUUID()}`,
    delivery.timestampSeconds ?? Math.floor(Date.now() / 1000),
    payload,
  );
  return app.inject({
    method: 'POST',
    url: `/v1/sources/${tenant.sourceId}/events`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload,
  });
}

export async function countFeedback(db: Db, sourceId: string): Promise<number> {
  const row = await db
    .selectFrom('feedback')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The feedback a source stored under `externalId` (fails when there is none). */
export function feedbackByExternalId(db: Db, sourceId: string, externalId: string) {
  return feedbackQuery(db, sourceId, externalId).executeTakeFirstOrThrow();
}

/** The feedback once something in the background (a vendor fetch) has stored it. */
export function eventuallyStored(db: Db, sourceId: string, externalId: string) {
  return eventually(() => feedbackQuery(db, sourceId, externalId).executeTakeFirst());
}

function feedbackQuery(db: Db, sourceId: string, externalId: string) {
  return db
    .selectFrom('feedback')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('external_id', '=', externalId);
}

/** A member of the tenant's teams with a responder key acting for them (claiming and replying need a person). */
export async function createResponder(
  db: Db,
  tenant: Pick<TestTenant, 'orgId'>,
  teamIds: string[] = [],
  name: string = randomUUID(),
): Promise<{ memberId: string; apiKey: string }> {
  const member = await createMember(db, tenant.orgId, { name, email: `${name}@example.com`, teamIds });
  const issued = issueApiKey();
  await createApiKey(db, {
    orgId: tenant.orgId,
    role: 'responder',
    name,
    lookup: issued.lookup,
    secretHash: issued.secretHash,
    memberId: member.id,
  });
  return { memberId: member.id, apiKey: issued.plaintext };
}

/** A feedback of the tenant's source with a high-severity case open on it, as analysis would leave it. */
export async function openFlaggedCase(
  db: Db,
  tenant: Pick<TestTenant, 'orgId' | 'sourceId'>,
  text = 'The parcel never arrived',
): Promise<{ feedbackId: string; caseId: string }> {
  const [stored] = await storeFeedbackBatch(db, [
    {
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: `flagged-${randomUUID()}`,
      customer_ref: null,
      text,
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    },
  ]);
  const feedbackId = stored?.id as string;
  const opening = await db.transaction().execute((trx) =>
    openCaseForAnalysis(
      trx,
      {
        orgId: tenant.orgId,
        feedbackId,
        severity: 'high',
        urgency: 0.7,
        flagCodes: ['churn_threat'],
        topics: ['delivery'],
      },
      new Date(),
    ),
  );
  return { feedbackId, caseId: opening?.caseId as string };
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<Exclude<T, undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value as Exclude<T, undefined>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A stored analysis for tests that need analysed feedback without running the analyser. */
export function plainAnalysis(
  feedbackId: string,
  orgId: string,
  topics: readonly unknown[] = [],
): NewFeedbackAnalysis {
  return {
    feedback_id: feedbackId,
    org_id: orgId,
    analyser_version: 'test',
    language: 'en',
    sentiment_score: -0.5,
    sentiment_label: 'negative',
    severity: 'none',
    urgency: 0,
    redacted_text: 'The delivery was late again',
    details: JSON.stringify({ topics }),
  };
}
