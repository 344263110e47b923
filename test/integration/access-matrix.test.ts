import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { analyseOrganisationOutcomes, createScoreProcessor } from '@cxloop/aggregation-worker';
import { issueApiKey } from '@cxloop/api';
import { type Role, roles } from '@cxloop/contracts';
import {
  createApiKey,
  createMember,
  openCaseForAnalysis,
  recordRisingIssue,
  saveFeedbackAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import { redisOptions, signWebhook } from '@cxloop/runtime';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignedSource,
  createTenant,
  plainAnalysis,
  startTestApi,
  type TestApi,
} from '../support/fixtures.js';
import { redisUrl } from '../support/redis.js';

/**
 * Who may call what, proven with requests that succeed: every route of /openapi.json, called with a valid
 * request by every role (allowed roles get 2xx, the others 403), without credentials (401), and by the
 * other organisation's allowed roles on this organisation's resources (404, exactly like a resource that
 * does not exist). Each route's fixture is one line: who may call it and how to make a valid request
 * (fresh resources per call, since calls change state). A route without a fixture fails the first test.
 */
const ALL = roles;
/** Ten random lower-case letters: words no analyser knows, for topic ids and phrases unique to one call. */
const randomLetters = () =>
  Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const only = (...allowed: Role[]) => allowed;
/** Who reads scores and their evidence: assessors too. */
const READERS = only('admin', 'manager', 'assessor');
/** Everyone but assessors, who read scores and evidence, not customers' feedback or cases. */
const STAFF = only('admin', 'manager', 'responder');
const MANAGERS = only('admin', 'manager');
const ADMIN = only('admin');
const TRIAGERS = only('admin', 'responder');
/** Who rates objectives, overrides indicators and signs off assessments. */
const ASSESSORS = only('admin', 'assessor');
/** Public routes authenticate otherwise (webhook signature, survey token, the key in the body) or are operational. */
type Access = readonly Role[] | 'public';

interface Call {
  /** Values of the path's {placeholders}. */
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}
type Fixture = readonly [Access, (org: Org) => Promise<Call> | Call];

const fixtures: Record<string, Fixture> = {
  'GET /metrics': ['public', () => ({})],
  'GET /healthz': ['public', () => ({})],
  'GET /readyz': ['public', () => ({})],
  'POST /v1/sources/{sourceId}/events': ['public', (o) => o.signedDelivery()],
  'POST /v1/sources/{sourceId}/outcomes': [
    'public',
    (o) =>
      o.signedDelivery({
        type: 'outcome',
        kind: 'purchase',
        externalId: `order-${randomUUID()}`,
        customerRef: 'cust-matrix',
        occurredAt: '2026-11-02T10:00:00Z',
        amount: 25,
        currency: 'EUR',
      }),
  ],
  'POST /v1/session': ['public', (o) => ({ body: { apiKey: o.keys.manager } })],
  'DELETE /v1/session': ['public', () => ({})],
  'GET /v1/survey-invitations/{token}': [
    'public',
    async (o) => ({ params: { token: await o.invitation() } }),
  ],
  'POST /v1/survey-invitations/{token}/response': [
    'public',
    async (o) => ({
      params: { token: await o.invitation() },
      body: { answers: [{ question: 'D5.1.1', answer: 4 }] },
    }),
  ],
  'GET /v1/session': [ALL, () => ({})],
  'GET /v1/feedback': [STAFF, () => ({ query: 'channel=web' })],
  'GET /v1/feedback/export.csv': [STAFF, () => ({ query: 'channel=web' })],
  'GET /v1/feedback/{id}': [STAFF, async (o) => ({ params: { id: (await o.seededCase()).feedbackId } })],
  'GET /v1/orgs/{org}/scores': [READERS, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/names': [ALL, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/scores/{scope}': [READERS, (o) => ({ params: { org: o.id, scope: 'enterprise' } })],
  'GET /v1/orgs/{org}/scores/{scope}/history': [
    READERS,
    (o) => ({ params: { org: o.id, scope: 'enterprise' } }),
  ],
  'GET /v1/orgs/{org}/scores/{scope}/changes': [
    READERS,
    (o) => ({
      params: { org: o.id, scope: 'enterprise' },
      query: 'from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
    }),
  ],
  'GET /v1/orgs/{org}/loyalty': [
    READERS,
    async (o) => {
      // Answered once the organisation's outcomes were analysed (with none, the analysis says so).
      await analyseOrganisationOutcomes(api.db, o.id, new Date());
      return { params: { org: o.id } };
    },
  ],
  'GET /v1/orgs/{org}/metrics': [READERS, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/insights': [READERS, (o) => ({ params: { org: o.id } })],
  'POST /v1/orgs/{org}/insights/rising-issues/{id}/acknowledge': [
    MANAGERS,
    async (o) => ({ params: { org: o.id, id: await o.risingIssue() } }),
  ],
  'GET /v1/orgs/{org}/scores/stream': [READERS, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/experience': [READERS, (o) => ({ params: { org: o.id } })],
  'POST /v1/sources': [ADMIN, () => ({ body: { name: `Matrix ${randomUUID()}`, channel: 'web' } })],
  'GET /v1/sources': [ADMIN, () => ({})],
  'GET /v1/sources/{sourceId}': [ADMIN, async (o) => ({ params: { sourceId: await o.source() } })],
  'PATCH /v1/sources/{sourceId}': [
    ADMIN,
    async (o) => ({ params: { sourceId: await o.source() }, body: { status: 'paused' } }),
  ],
  'DELETE /v1/sources/{sourceId}': [ADMIN, async (o) => ({ params: { sourceId: await o.source() } })],
  'POST /v1/sources/{sourceId}/secret/rotate': [
    ADMIN,
    async (o) => ({ params: { sourceId: await o.source() }, body: { overlapSeconds: 60 } }),
  ],
  'GET /v1/sources/{sourceId}/deliveries': [ADMIN, async (o) => ({ params: { sourceId: await o.source() } })],
  'POST /v1/sources/{sourceId}/imports': [
    ADMIN,
    async (o) => ({
      params: { sourceId: await o.source() },
      body: '{"externalId":"i-1","text":"Fine"}\n',
      headers: { 'content-type': 'application/x-ndjson' },
    }),
  ],
  'POST /v1/sources/{sourceId}/outcome-imports': [
    ADMIN,
    async (o) => ({
      params: { sourceId: await o.source() },
      body: 'externalId,kind,customerRef,occurredAt,amount,currency\nm-1,purchase,cust-m,2026-01-05T09:00:00Z,20,EUR\n',
      headers: { 'content-type': 'text/csv' },
    }),
  ],
  'GET /v1/sources/{sourceId}/fetches': [ADMIN, async (o) => ({ params: { sourceId: await o.source() } })],
  'POST /v1/sources/{sourceId}/fetches/{fetchId}/retry': [
    ADMIN,
    async (o) => {
      const sourceId = await o.source();
      return { params: { sourceId, fetchId: await o.givenUpFetch(sourceId) } };
    },
  ],
  'GET /v1/text/settings': [MANAGERS, () => ({})],
  'PUT /v1/text/settings': [
    ADMIN,
    () => ({
      body: {
        topics: [{ id: 'late_flight', label: 'Late flight', seedTerms: ['delay'] }],
        phoneRegion: 'GB',
        brandHandles: [],
      },
    }),
  ],
  'GET /v1/text/topics': [MANAGERS, () => ({})],
  'POST /v1/text/topics': [
    ADMIN,
    () => ({ body: { id: `gate_${randomLetters()}`, label: 'Gate', seedTerms: ['gate'] } }),
  ],
  'PATCH /v1/text/topics/{topicId}': [
    ADMIN,
    async (o) => ({ params: { topicId: await o.topic() }, body: { label: 'Renamed' } }),
  ],
  'POST /v1/text/topics/{topicId}/merge': [
    ADMIN,
    async (o) => ({ params: { topicId: await o.topic() }, body: { into: await o.topic() } }),
  ],
  'POST /v1/text/topics/{topicId}/retire': [ADMIN, async (o) => ({ params: { topicId: await o.topic() } })],
  'GET /v1/text/topics/versions': [MANAGERS, () => ({})],
  'GET /v1/text/topics/reanalysis': [MANAGERS, () => ({})],
  'GET /v1/text/topic-candidates': [MANAGERS, () => ({})],
  'POST /v1/text/topic-candidates/{candidateId}/promote': [
    ADMIN,
    async (o) => ({ params: { candidateId: await o.topicCandidate() }, body: {} }),
  ],
  'POST /v1/sources/{id}/test-delivery': [ADMIN, async (o) => ({ params: { id: await o.source() } })],
  'PUT /v1/sources/{id}/reply-target': [
    ADMIN,
    async (o) => ({ params: { id: await o.source() }, body: { url: null } }),
  ],
  'PUT /v1/sources/{id}/case-horizon': [
    ADMIN,
    async (o) => ({ params: { id: await o.source() }, body: { hours: 24 * 14 } }),
  ],
  'GET /v1/survey-settings': [READERS, () => ({})],
  'PUT /v1/survey-settings': [ADMIN, () => ({ body: { minGroupSize: 5, departments: [] } })],
  'POST /v1/surveys': [
    ADMIN,
    () => ({ body: { name: 'Pulse', template: { kind: 'framework', elements: ['D5.1'] } } }),
  ],
  'GET /v1/surveys': [READERS, () => ({})],
  'GET /v1/surveys/{id}': [READERS, async (o) => ({ params: { id: await o.survey('draft') } })],
  'POST /v1/surveys/{id}/open': [ADMIN, async (o) => ({ params: { id: await o.survey('draft') } })],
  'POST /v1/surveys/{id}/close': [ADMIN, async (o) => ({ params: { id: await o.survey('open') } })],
  'POST /v1/surveys/{id}/invitations': [
    ADMIN,
    async (o) => ({ params: { id: await o.survey('open') }, body: { count: 2 } }),
  ],
  'GET /v1/surveys/{id}/results': [READERS, async (o) => ({ params: { id: await o.survey('open') } })],
  'GET /v1/surveys/{id}/comparison': [READERS, async (o) => ({ params: { id: await o.survey('open') } })],
  'GET /v1/teams': [ALL, () => ({})],
  'POST /v1/teams': [ADMIN, () => ({ body: { name: `Team ${randomUUID()}` } })],
  'GET /v1/members': [ALL, () => ({})],
  'POST /v1/members': [ADMIN, () => ({ body: { name: 'Ana', email: `ana-${randomUUID()}@example.com` } })],
  'PUT /v1/teams/{teamId}/members/{memberId}': [
    ADMIN,
    async (o) => ({ params: { teamId: await o.team(), memberId: await o.member() } }),
  ],
  'GET /v1/cases': [STAFF, () => ({})],
  'GET /v1/case-views': [STAFF, () => ({})],
  'GET /v1/triage/response-times': [STAFF, () => ({})],
  'POST /v1/cases/claim-next': [TRIAGERS, () => ({})],
  'GET /v1/cases/{id}': [STAFF, async (o) => ({ params: { id: (await o.seededCase()).caseId } })],
  'GET /v1/cases/{id}/events': [STAFF, async (o) => ({ params: { id: (await o.seededCase()).caseId } })],
  'POST /v1/cases/{id}/transitions': [
    TRIAGERS,
    async (o) => ({
      params: { id: (await o.seededCase()).caseId },
      body: { status: 'acknowledged' },
      headers: { 'if-match': '"1"' },
    }),
  ],
  'POST /v1/cases/{id}/assignment': [
    STAFF,
    async (o) => ({
      params: { id: (await o.seededCase()).caseId },
      body: { teamId: null },
      headers: { 'if-match': '"1"' },
    }),
  ],
  'POST /v1/cases/{id}/replies': [
    TRIAGERS,
    async (o) => ({
      params: { id: (await o.seededCase()).caseId },
      body: { body: 'We are on it.' },
      headers: { 'if-match': '"1"' },
    }),
  ],
  'GET /v1/cases/watermark': [STAFF, () => ({})],
  'POST /v1/cases/{id}/claim': [
    TRIAGERS,
    async (o) => ({ params: { id: (await o.seededCase()).caseId }, headers: { 'if-match': '"1"' } }),
  ],
  'POST /v1/cases/backfill': [
    ADMIN,
    () => ({ body: { from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z' } }),
  ],
  'GET /v1/reply-templates': [STAFF, () => ({})],
  'POST /v1/reply-templates': [
    TRIAGERS,
    () => ({ body: { name: `Apology ${randomUUID()}`, body: 'Sorry for the wait, {name}.' } }),
  ],
  'PATCH /v1/reply-templates/{id}': [
    TRIAGERS,
    async (o) => ({ params: { id: await o.replyTemplate() }, body: { body: 'Thank you for telling us.' } }),
  ],
  'DELETE /v1/reply-templates/{id}': [TRIAGERS, async (o) => ({ params: { id: await o.replyTemplate() } })],
  'GET /v1/saved-case-views': [STAFF, () => ({})],
  'POST /v1/saved-case-views': [
    STAFF,
    () => ({ body: { name: `Critical ${randomUUID()}`, filters: { severity: ['critical'] } } }),
  ],
  'DELETE /v1/saved-case-views/{id}': [STAFF, async (o) => ({ params: { id: await o.savedCaseView() } })],
  'POST /v1/cases/{id}/notes': [
    TRIAGERS,
    async (o) => ({ params: { id: (await o.seededCase()).caseId }, body: { body: 'Called back.' } }),
  ],
  'GET /v1/triage/settings': [STAFF, () => ({})],
  'PUT /v1/triage/settings': [
    ADMIN,
    () => ({
      body: {
        caseFlags: ['churn_threat'],
        minSeverity: 'low',
        repeatWindowHours: 24,
        defaultTeamId: null,
        businessHours: null,
        escalationUrl: null,
      },
    }),
  ],
  'GET /v1/triage/sla-policy': [STAFF, () => ({})],
  'PUT /v1/triage/sla-policy': [
    ADMIN,
    () => ({ body: { low: { firstResponseMinutes: 60, resolutionMinutes: 600 } } }),
  ],
  'GET /v1/journey': [ALL, () => ({})],
  'PUT /v1/journey': [
    ADMIN,
    () => ({ body: { touchpoints: [{ key: 'order', name: 'Order' }], topics: [] } }),
  ],
  'GET /v1/orgs/{org}/objectives': [READERS, (o) => ({ params: { org: o.id } })],
  'POST /v1/orgs/{org}/objective-ratings': [
    ASSESSORS,
    (o) => ({
      params: { org: o.id },
      body: { elementId: 'D5.2', level: 'partially', reason: 'Two channels' },
    }),
  ],
  'GET /v1/orgs/{org}/indicator-overrides': [READERS, (o) => ({ params: { org: o.id } })],
  'POST /v1/orgs/{org}/indicator-overrides': [
    ASSESSORS,
    (o) => ({
      params: { org: o.id },
      body: { indicatorId: 'D5.2.1', attainment: 0.5, reason: 'Seen in audit' },
    }),
  ],
  'GET /v1/orgs/{org}/assessment-audit': [READERS, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/targets': [READERS, (o) => ({ params: { org: o.id } })],
  'POST /v1/orgs/{org}/targets': [
    READERS,
    (o) => ({ params: { org: o.id }, body: { elementId: 'D5.2', stage: 'embed', reason: 'Board goal' } }),
  ],
  'POST /v1/orgs/{org}/assessments': [
    ASSESSORS,
    (o) => ({ params: { org: o.id }, body: { title: 'H1 review' } }),
  ],
  'GET /v1/orgs/{org}/assessments': [READERS, (o) => ({ params: { org: o.id } })],
  'GET /v1/orgs/{org}/assessments/{id}': [
    READERS,
    async (o) => ({ params: { org: o.id, id: await o.assessment() } }),
  ],
  'GET /v1/orgs/{org}/assessments/{id}/comparison/{otherId}': [
    READERS,
    async (o) => ({ params: { org: o.id, id: await o.assessment(), otherId: await o.assessment() } }),
  ],
  'GET /v1/orgs/{org}/assessments/{id}/export.csv': [
    READERS,
    async (o) => ({ params: { org: o.id, id: await o.assessment() } }),
  ],
  'GET /v1/orgs/{org}/assessments/{id}/report.html': [
    READERS,
    async (o) => ({ params: { org: o.id, id: await o.assessment() } }),
  ],
  'GET /v1/units': [ALL, () => ({})],
  'GET /v1/actions': [ALL, () => ({ query: 'overdue=true' })],
  'POST /v1/actions': [
    MANAGERS,
    async (o) => ({ body: { ...(await o.actionPlan()), origin: { kind: 'manual' } } }),
  ],
  'GET /v1/actions/{id}': [ALL, async (o) => ({ params: { id: await o.action() } })],
  'PATCH /v1/actions/{id}': [
    MANAGERS,
    async (o) => ({ params: { id: await o.action() }, body: { status: 'planned' } }),
  ],
  'POST /v1/actions/{id}/comments': [
    MANAGERS,
    async (o) => ({ params: { id: await o.action() }, body: { body: 'Courier briefed' } }),
  ],
  'POST /v1/actions/{id}/notify': [
    MANAGERS,
    async (o) => ({ params: { id: await o.action('done') }, body: { message: 'Tracking texts are live' } }),
  ],
  'POST /v1/contact-opt-outs': [STAFF, () => ({ body: { customerRef: `cust-${randomUUID()}` } })],
  'GET /v1/api-keys': [ADMIN, () => ({})],
  'POST /v1/api-keys/{id}/revoke': [ADMIN, async (o) => ({ params: { id: await o.spareKey() } })],
};

let api: TestApi;
let baseUrl: string;
let a: Org;
let b: Org;

/**
 * One organisation and makers of its resources. Every role's key acts for a member of a team, so routes
 * that need a person (claiming, replying) can succeed for every role allowed to call them.
 */
class Org {
  readonly keys = {} as Record<Role, string>;
  readonly memberOf = {} as Record<Role, string>;
  constructor(
    readonly id: string,
    readonly sourceId: string,
    readonly secret: string,
  ) {}

  static async create(name: string): Promise<Org> {
    const tenant = await createTenant(api.db, api.secretBox, name);
    const org = new Org(tenant.orgId, tenant.sourceId, tenant.secret);
    const team = await org.call('POST', '/v1/teams', 'admin', { name: 'Care' }, tenant.apiKeys.admin);
    for (const role of roles) {
      const member = await createMember(api.db, org.id, {
        name: role,
        email: `${role}-${randomUUID()}@example.com`,
        teamIds: [team.id],
      });
      const issued = issueApiKey();
      await createApiKey(api.db, {
        orgId: org.id,
        role,
        name: role,
        lookup: issued.lookup,
        secretHash: issued.secretHash,
        memberId: member.id,
      });
      org.keys[role] = issued.plaintext;
      org.memberOf[role] = member.id;
    }
    // Score routes answer once the organisation has been scored.
    const redis = new Redis(redisOptions(redisUrl));
    try {
      await createScoreProcessor({ db: api.db, redis, prefix: api.prefix })({
        data: { orgId: org.id },
      } as Job);
    } finally {
      redis.disconnect();
    }
    // Replies need somewhere to go; a public https host is a valid target.
    await org.call('PUT', `/v1/sources/${org.sourceId}/reply-target`, 'admin', {
      url: 'https://hooks.example.com/replies',
    });
    return org;
  }

  /** A request as the admin, for setting things up; fails the test unless it succeeds. */
  async call(method: string, url: string, role: Role, body?: unknown, key = this.keys[role]) {
    const response = await api.app.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  }

  /** A fresh topic of the organisation's own taxonomy. */
  async topic(): Promise<string> {
    const id = `matrix_${randomLetters()}`;
    await this.call('POST', '/v1/text/topics', 'admin', { id, label: 'Matrix topic', seedTerms: [id] });
    return id;
  }

  /** A fresh candidate topic: a phrase recurring in analysed feedback that no topic covers. */
  async topicCandidate(): Promise<string> {
    const phrase = `${randomLetters()} ${randomLetters()}`;
    const source = await this.source();
    const stored = await storeFeedbackBatch(
      api.db,
      [1, 2, 3].map(() => ({
        org_id: this.id,
        source_id: source,
        channel: 'web',
        external_id: randomUUID(),
        customer_ref: null,
        text: `The ${phrase} again`,
        metadata: JSON.stringify({}),
        occurred_at: new Date(),
      })),
    );
    for (const row of stored) {
      await saveFeedbackAnalysis(api.db, {
        ...plainAnalysis(row.id, this.id),
        redacted_text: `The ${phrase} again`,
      });
    }
    const { candidates } = await this.call('GET', '/v1/text/topic-candidates', 'admin');
    return candidates.find((candidate: { terms: string[] }) => candidate.terms.includes(phrase)).id;
  }

  async source(): Promise<string> {
    return (await createSignedSource(api.db, api.secretBox, this.id, { name: `Matrix ${randomUUID()}` }))
      .sourceId;
  }

  async survey(state: 'draft' | 'open'): Promise<string> {
    const payload = { name: 'Matrix pulse', template: { kind: 'framework', elements: ['D5.1'] } };
    const { id } = await this.call('POST', '/v1/surveys', 'admin', payload);
    if (state === 'open') await this.call('POST', `/v1/surveys/${id}/open`, 'admin');
    return id;
  }

  async invitation(): Promise<string> {
    const survey = await this.survey('open');
    const { invitations } = await this.call('POST', `/v1/surveys/${survey}/invitations`, 'admin', {
      count: 1,
    });
    return invitations[0].token;
  }

  async team(): Promise<string> {
    return (await this.call('POST', '/v1/teams', 'admin', { name: `Team ${randomUUID()}` })).id;
  }

  async member(): Promise<string> {
    return (
      await this.call('POST', '/v1/members', 'admin', { name: 'Bo', email: `bo-${randomUUID()}@example.com` })
    ).id;
  }

  /** A valid action plan owned by a fresh team of this organisation. */
  async actionPlan() {
    return {
      title: 'Faster delivery updates',
      scope: { channel: 'web' },
      owner: { teamId: await this.team() },
      metric: 'nps',
      targetValue: 30,
      startDate: '2026-11-01',
      dueDate: '2026-12-31',
      priority: 'high',
    };
  }

  /** An action of this organisation, moved along its plan to `status`. */
  async action(status: 'proposed' | 'done' = 'proposed'): Promise<string> {
    const { id } = await this.call('POST', '/v1/actions', 'manager', await this.actionPlan());
    if (status === 'done') {
      for (const next of ['planned', 'in_progress', 'done']) {
        await this.call('PATCH', `/v1/actions/${id}`, 'manager', { status: next });
      }
    }
    return id;
  }

  async spareKey(): Promise<string> {
    const issued = issueApiKey();
    return (
      await createApiKey(api.db, {
        orgId: this.id,
        role: 'manager',
        name: 'spare',
        lookup: issued.lookup,
        secretHash: issued.secretHash,
      })
    ).id;
  }

  async risingIssue(): Promise<string> {
    await recordRisingIssue(
      api.db,
      this.id,
      {
        unitId: null,
        topic: `topic-${randomUUID()}`,
        windowStart: '2026-11-30',
        mentions: 9,
        baselineWeeklyMean: 1,
      },
      new Date(),
    );
    const row = await api.db
      .selectFrom('rising_issues')
      .select('id')
      .where('org_id', '=', this.id)
      .orderBy('detected_at', 'desc')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async replyTemplate(): Promise<string> {
    return (
      await this.call('POST', '/v1/reply-templates', 'admin', { name: `T ${randomUUID()}`, body: 'Hello' })
    ).id;
  }

  async savedCaseView(): Promise<string> {
    return (
      await this.call('POST', '/v1/saved-case-views', 'admin', {
        name: `V ${randomUUID()}`,
        filters: { sla: 'at_risk' },
      })
    ).id;
  }

  async seededCase(): Promise<{ feedbackId: string; caseId: string }> {
    const [stored] = await storeFeedbackBatch(api.db, [
      {
        org_id: this.id,
        source_id: this.sourceId,
        channel: 'web',
        external_id: `matrix-${randomUUID()}`,
        customer_ref: null,
        text: 'I will cancel my account',
        metadata: JSON.stringify({}),
        occurred_at: new Date(),
      },
    ]);
    const opened = await api.db.transaction().execute((trx) =>
      openCaseForAnalysis(
        trx,
        {
          orgId: this.id,
          feedbackId: stored!.id,
          severity: 'high',
          urgency: 0.8,
          flagCodes: ['churn_threat'],
          topics: [],
        },
        new Date(),
      ),
    );
    return { feedbackId: stored!.id, caseId: opened!.caseId };
  }

  /** An official assessment frozen from the current score, by an admin. */
  async assessment(): Promise<string> {
    return (await this.call('POST', `/v1/orgs/${this.id}/assessments`, 'admin', { title: 'Matrix review' }))
      .id;
  }

  /** A fetch from a vendor that was given up, for the admin's retry. */
  async givenUpFetch(sourceId: string): Promise<string> {
    const { id } = await api.db
      .insertInto('vendor_fetches')
      .values({
        org_id: this.id,
        source_id: sourceId,
        key: `event-${randomUUID()}`,
        payload: JSON.stringify({}),
        status: 'failed',
        last_error: 'SurveyMonkey could not be reached',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  signedDelivery(event: object = { externalId: randomUUID(), text: 'Quick delivery' }): Call {
    const body = JSON.stringify(event);
    const headers = signWebhook(this.secret, `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), body);
    return {
      params: { sourceId: this.sourceId },
      body,
      headers: { ...headers, 'content-type': 'application/json' },
    };
  }
}

beforeAll(async () => {
  // Scrape access is a deployment setting (tested in observability.test.ts); here /metrics is open.
  api = await startTestApi({ metricsPublic: true });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  a = await Org.create('Org A');
  b = await Org.create('Org B');
});
afterAll(async () => {
  await api.close();
});

function urlOf(route: string, call: Call): string {
  const path = route.split(' ')[1]!.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${route}: the fixture gives no {${name}}`);
    return value;
  });
  return call.query ? `${path}?${call.query}` : path;
}

/** Sends a fixture's call; a stream is opened over HTTP, its status read, and closed. */
async function send(route: string, call: Call, headers: Record<string, string>) {
  const [method] = route.split(' ');
  const url = urlOf(route, call);
  if (route.endsWith('/stream')) {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}${url}`, { headers, signal: controller.signal });
    const text = response.status < 300 ? '' : await response.text();
    controller.abort();
    return { statusCode: response.status, body: text };
  }
  const response = await api.app.inject({
    method: method as 'GET',
    url,
    headers: { ...call.headers, ...headers },
    ...(call.body === undefined ? {} : { payload: call.body as string }),
  });
  return { statusCode: response.statusCode, body: response.body };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let openApiDocument: Promise<{ paths: Record<string, Record<string, { responses: object }>> }> | undefined;
/** The success statuses /openapi.json documents for a route: a call allowed must answer one of them. */
async function documentedSuccess(route: string): Promise<number[]> {
  openApiDocument ??= api.app.inject({ method: 'GET', url: '/openapi.json' }).then((answer) => answer.json());
  const [method, path] = route.split(' ') as [string, string];
  const responses = (await openApiDocument).paths[path]?.[method.toLowerCase()]?.responses ?? {};
  return Object.keys(responses)
    .map(Number)
    .filter((status) => status >= 200 && status < 300);
}
const guarded = Object.entries(fixtures).filter(
  (entry): entry is [string, readonly [readonly Role[], Fixture[1]]] => entry[1][0] !== 'public',
);
const publicRoutes = Object.entries(fixtures).filter(([, [access]]) => access === 'public');

describe('access matrix', () => {
  it('has a fixture for every documented route, and none for a route that is gone', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((route) => !(route in fixtures))).toEqual([]);
    expect(Object.keys(fixtures).filter((route) => !documented.includes(route))).toEqual([]);
  });

  it.each(publicRoutes)('%s: succeeds without an API key', async (route, [, make]) => {
    const response = await send(route, await make(a), {});
    expect(await documentedSuccess(route), response.body).toContain(response.statusCode);
  });

  it.each(guarded)(
    '%s: 401 without credentials, a documented success for allowed roles, 403 for the others',
    async (route, [allowed, make]) => {
      const anonymous = await send(route, await make(a), {});
      expect(anonymous.statusCode, anonymous.body).toBe(401);
      for (const role of roles) {
        const response = await send(route, await make(a), bearer(a.keys[role]));
        if (allowed.includes(role)) {
          expect(await documentedSuccess(route), `${role}: ${response.body}`).toContain(response.statusCode);
        } else {
          expect(response.statusCode, `${role}: ${response.body}`).toBe(403);
          expect(response.body).toMatch(/needs one of the roles/);
        }
      }
    },
  );
});

describe('tenant isolation', () => {
  const resourceRoutes = guarded.filter(([route]) => route.includes('{'));

  it.each(resourceRoutes)(
    "%s: another organisation's allowed roles get 404, as for nothing",
    async (route, [allowed, make]) => {
      for (const role of allowed) {
        const theirs = await send(route, await make(a), bearer(b.keys[role]));
        expect(theirs.statusCode, `${role} of B: ${theirs.body}`).toBe(404);
        // The same request with ids that exist nowhere gets the same answer.
        const call = await make(a);
        const nowhere = {
          ...call,
          params: Object.fromEntries(Object.keys(call.params ?? {}).map((name) => [name, randomUUID()])),
        };
        const missing = await send(route, nowhere, bearer(b.keys[role]));
        expect(missing.statusCode, `${role} of B, unknown ids`).toBe(404);
        const { instance: _theirs, ...theirProblem } = JSON.parse(theirs.body);
        const { instance: _missing, ...missingProblem } = JSON.parse(missing.body);
        expect(theirProblem).toEqual(missingProblem);
      }
    },
  );

  it("lists of another organisation never show this organisation's rows", async () => {
    const ids = [
      a.id,
      a.sourceId,
      ...Object.values(a.memberOf),
      (await a.seededCase()).caseId,
      await a.survey('draft'),
    ];
    for (const url of [
      '/v1/feedback',
      '/v1/cases',
      '/v1/sources',
      '/v1/surveys',
      '/v1/teams',
      '/v1/members',
      '/v1/api-keys',
    ]) {
      const response = await api.app.inject({ method: 'GET', url, headers: bearer(b.keys.admin) });
      expect(response.statusCode, url).toBe(200);
      for (const id of ids) expect(response.body, url).not.toContain(id);
    }
  });
});
