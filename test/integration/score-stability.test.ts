import {
  computeMetrics,
  createScoreProcessor,
  MetricSources,
  metricObservations,
  SettledSums,
  type StaffEvidence,
} from '@cxloop/aggregation-worker';
import type { ScoreJob } from '@cxloop/contracts';
import { ENTERPRISE_SCOPE, findCurrentScore, rateObjective } from '@cxloop/db';
import { scoreStreamKey } from '@cxloop/runtime';
import {
  allElements,
  allIndicators,
  type Evidence,
  type MetricObservation,
  type ScoreDiff,
  scoreFramework,
} from '@cxloop/scoring';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../support/fixtures.js';
import { useScoringContext } from '../support/scoring.js';

/** Stage hysteresis and "no entry for nothing visible", through the score worker, history and events. */

const context = useScoringContext();

/** Staff evidence: every indicator answered at the same attainment. */
function staffAt(attainment: number): Pick<Evidence, 'survey'> {
  return {
    survey: allIndicators.map((indicator) => ({
      indicatorId: indicator.id,
      mean: 1 + 4 * attainment,
      respondents: 12,
    })),
  };
}

/** The assessor's ratings each organisation gets (stored through the data layer): every objective Partially. */
const RATED_PARTIALLY: Evidence['objectives'] = allElements.map((element) => ({
  elementId: element.id,
  level: 'partially' as const,
  reason: 'programme reviewed',
  ratedBy: 'assessor',
  ratedAt: '2026-12-01T10:00:00.000Z',
}));

/**
 * The staff attainment that puts the organisation's total at `points`, given the metrics the worker will
 * read for it (an organisation without feedback still has a few, e.g. no day with feedback): the total is
 * affine in that attainment, so two evaluations solve it.
 */
function attainmentFor(points: number, metrics: readonly MetricObservation[]): number {
  const totalAt = (attainment: number) =>
    scoreFramework({ metrics, objectives: RATED_PARTIALLY, ...staffAt(attainment) }).total;
  const [low, high] = [totalAt(0), totalAt(1)];
  return (points - low) / (high - low);
}

async function scorer(orgName: string) {
  const { api, redis } = context;
  const tenant = await createTenant(api.db, api.secretBox, orgName);
  for (const rating of RATED_PARTIALLY ?? []) {
    await rateObjective(
      api.db,
      tenant.orgId,
      { elementId: rating.elementId, level: rating.level, evidenceLinks: [] },
      { actor: rating.ratedBy, at: new Date(rating.ratedAt), reason: rating.reason },
    );
  }
  const sources = new MetricSources(api.db, { orgId: tenant.orgId, unitId: null }, new Date(), {
    sums: new SettledSums(),
    revision: '0',
  });
  const metrics = metricObservations(await computeMetrics(sources));
  let attainment = 0;
  const staffEvidence: StaffEvidence = async () => staffAt(attainment);
  const score = createScoreProcessor({ db: api.db, redis, prefix: api.prefix, staffEvidence });
  const history = () =>
    api.db
      .selectFrom('score_history')
      .select(['total', 'stage', 'diff'])
      .where('org_id', '=', tenant.orgId)
      .where('scope', '=', ENTERPRISE_SCOPE)
      .orderBy('id')
      .execute();
  const events = async () => (await redis.xrange(scoreStreamKey(api.prefix, tenant.orgId), '-', '+')).length;
  return {
    async recomputeAt(points: number) {
      attainment = attainmentFor(points, metrics);
      await score({ data: { orgId: tenant.orgId } } as Job<ScoreJob>);
      return (await findCurrentScore(api.db, tenant.orgId, ENTERPRISE_SCOPE))!;
    },
    history,
    events,
    tenant,
  };
}

describe('stable stages', () => {
  it('changes stage at most once while the total wobbles ±0.5 % around a band edge', async () => {
    const org = await scorer('Wobbling org');
    for (const total of [497.5, 502.5, 497.5, 502.5, 497.5, 502.5, 497.5]) await org.recomputeAt(total);
    const history = await org.history();
    expect(history.map((entry) => Math.round(entry.total * 10) / 10)).toEqual([
      497.5, 502.5, 497.5, 502.5, 497.5, 502.5, 497.5,
    ]);
    const stages = history.map((entry) => entry.stage);
    const changes = stages.filter((stage, i) => i > 0 && stage !== stages[i - 1]).length;
    expect(changes).toBe(1);
    expect(stages.at(-1)).toBe('operationalize');
    // Falling a full point below the edge does move it down.
    expect((await org.recomputeAt(489)).stage).toBe('mobilize');
  });
});

describe('changes too small to show', () => {
  it('write no history and send no event, and add up until they show', async () => {
    const org = await scorer('Drifting org');
    await org.recomputeAt(400);
    await org.recomputeAt(400.02);
    await org.recomputeAt(400.04);
    expect(await org.history()).toHaveLength(1);
    expect(await org.events()).toBe(1);

    // 400.06 shows as 400.1: recorded, and explained against the last recorded score (400), not 400.04.
    await org.recomputeAt(400.06);
    const history = await org.history();
    expect(history).toHaveLength(2);
    expect(await org.events()).toBe(2);
    const diff = history[1]!.diff as unknown as ScoreDiff;
    expect(diff.total.before).toBeCloseTo(400, 9);
    expect(diff.total.delta).toBeCloseTo(0.06, 9);
  });
});

describe('history and what moved', () => {
  it('pages the history newest first and explains what moved between any two times', async () => {
    const { api } = context;
    const org = await scorer('History org');
    for (const total of [400, 420, 430]) await org.recomputeAt(total);
    const get = (url: string) =>
      api.app.inject({ url, headers: { authorization: `Bearer ${org.tenant.apiKeys.manager}` } });
    const base = `/v1/orgs/${org.tenant.orgId}/scores/enterprise`;

    const first = (await get(`${base}/history?limit=2`)).json();
    expect(first.entries.map((e: { total: number }) => Math.round(e.total))).toEqual([430, 420]);
    expect(first.next).toEqual(expect.any(String));
    const second = (await get(`${base}/history?limit=2&cursor=${first.next}`)).json();
    expect(second.entries.map((e: { total: number }) => Math.round(e.total))).toEqual([400]);
    expect(second.next).toBeNull();

    // From the first score to now: both later changes folded into one explanation.
    const since = second.entries[0].recordedAt;
    const moved = (await get(`${base}/changes?from=${encodeURIComponent(since)}`)).json();
    expect(moved.changes).toBe(2);
    expect(moved.from.total).toBeCloseTo(400, 6);
    expect(moved.to.total).toBeCloseTo(430, 6);
    const diff = moved.diff as ScoreDiff;
    expect(diff.total.delta).toBeCloseTo(30, 6);
    expect(diff.elements.reduce((sum, element) => sum + element.delta, 0)).toBeCloseTo(30, 6);
    const causes = diff.elements.flatMap((element) => element.causes);
    expect(causes.reduce((sum, cause) => sum + cause.points, 0)).toBeCloseTo(30, 6);

    const bad = await get(`${base}/history?cursor=nonsense`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/querystring/cursor');
    const backwards = await get(`${base}/changes?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`);
    expect(backwards.statusCode).toBe(400);
  });
});
