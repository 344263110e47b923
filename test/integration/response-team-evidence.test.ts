import { randomUUID } from 'node:crypto';
import {
  acknowledgeRisingIssue,
  listRisingIssues,
  recordRisingIssue,
  saveFeedbackAnalysis,
  storeFeedbackBatch,
} from '@cxloop/db';
import type { FrameworkScore } from '@cxloop/scoring';
import { describe, expect, it } from 'vitest';
import { createTenant, plainAnalysis, type TestTenant } from '../support/fixtures.js';
import { scoreOrganisation, useScoringContext } from '../support/scoring.js';

/** The response team's work as score evidence (D4.2), judged fairly: fresh cases, reopenings, alerts. */

const context = useScoringContext();

const HOUR = 3_600_000;

interface CaseShape {
  openedHoursAgo: number;
  owned?: boolean;
  resolved?: boolean;
  reopenCount?: number;
  topics?: string[];
}

/** A case on a feedback of its own, with a 4-hour first-response and 24-hour resolution deadline. */
async function openCase(tenant: TestTenant, shape: CaseShape): Promise<void> {
  const { api } = context;
  const [feedback] = await storeFeedbackBatch(api.db, [
    {
      org_id: tenant.orgId,
      source_id: tenant.sourceId,
      channel: 'web',
      external_id: randomUUID(),
      customer_ref: null,
      text: 'Nobody called back',
      nps: 1,
      metadata: JSON.stringify({}),
      occurred_at: new Date(),
    },
  ]);
  await saveFeedbackAnalysis(api.db, plainAnalysis(feedback!.id, tenant.orgId));
  const opened = new Date(Date.now() - shape.openedHoursAgo * HOUR);
  const after = (hours: number) => new Date(opened.getTime() + hours * HOUR);
  await api.db
    .insertInto('cases')
    .values({
      org_id: tenant.orgId,
      feedback_id: feedback!.id,
      source_id: tenant.sourceId,
      channel: 'web',
      severity: 'high',
      urgency: 0.8,
      priority: 1,
      flag_codes: [],
      topics: shape.topics ?? [],
      status: shape.resolved ? 'resolved' : 'new',
      opened_at: opened,
      first_response_due_at: after(4),
      resolution_due_at: after(24),
      first_assigned_at: shape.owned ? after(0.01) : null,
      acknowledged_at: shape.owned ? after(0.01) : null,
      first_response_at: shape.resolved ? after(0.02) : null,
      closed_at: shape.resolved ? after(0.03) : null,
      reopen_count: shape.reopenCount ?? 0,
    })
    .execute();
}

async function metrics(tenant: TestTenant) {
  const current = await scoreOrganisation(context, tenant.orgId);
  const readings = current.metrics as {
    metric: string;
    status: string;
    value?: number;
    sampleSize?: number;
  }[];
  return {
    reading: (metric: string) => readings.find((reading) => reading.metric === metric),
    score: current.score as unknown as FrameworkScore,
  };
}

describe('response-team evidence', () => {
  it('does not count a case as unowned before its first-response deadline has passed', async () => {
    const tenant = await createTenant(context.api.db, context.api.secretBox, 'Fresh cases');
    for (let i = 0; i < 3; i++) await openCase(tenant, { openedHoursAgo: 0.01 });
    expect((await metrics(tenant)).reading('flagged_cases_owned_30d')).toMatchObject({ status: 'missing' });

    await openCase(tenant, { openedHoursAgo: 1, owned: true });
    await openCase(tenant, { openedHoursAgo: 30 });
    // The owned case and the one past its deadline are judged; the three fresh ones wait.
    expect((await metrics(tenant)).reading('flagged_cases_owned_30d')).toMatchObject({
      status: 'measured',
      value: 0.5,
      sampleSize: 2,
    });
  });

  it('scores first-time resolution from the case rollups, kept up to date by the trigger', async () => {
    const tenant = await createTenant(context.api.db, context.api.secretBox, 'Reopened cases');
    await openCase(tenant, { openedHoursAgo: 30, owned: true, resolved: true });
    await openCase(tenant, { openedHoursAgo: 30, owned: true, resolved: true });
    await openCase(tenant, { openedHoursAgo: 30, owned: true, resolved: true, reopenCount: 1 });
    await openCase(tenant, { openedHoursAgo: 30, owned: true }); // never resolved: not in the sample
    const before = await metrics(tenant);
    expect(before.reading('first_time_resolution_rate_30d')).toMatchObject({ value: 2 / 3, sampleSize: 3 });

    // A resolved case reopened (status back to open) stays resolved-once and now counts as reopened.
    const { api } = context;
    const firstTime = await api.db
      .selectFrom('cases')
      .select('id')
      .where('org_id', '=', tenant.orgId)
      .where('status', '=', 'resolved')
      .where('reopen_count', '=', 0)
      .limit(1)
      .executeTakeFirstOrThrow();
    await api.db
      .updateTable('cases')
      .set({ status: 'in_progress', closed_at: null, reopen_count: 1 })
      .where('id', '=', firstTime.id)
      .execute();
    const after = await metrics(tenant);
    expect(after.reading('first_time_resolution_rate_30d')).toMatchObject({ value: 1 / 3, sampleSize: 3 });
    const d424 = after.score.dimensions[3]!.elements[1]!.indicators[3]!;
    expect(d424.id).toBe('D4.2.4');
    expect(d424.evidence[0]).toMatchObject({ metric: 'first_time_resolution_rate_30d', value: 1 / 3 });
  });

  it('gives nothing for acknowledging a rising issue; a case on its topic closed with a reply counts', async () => {
    const tenant = await createTenant(context.api.db, context.api.secretBox, 'Rising issues');
    const detected = new Date(Date.now() - 20 * 24 * HOUR);
    const { api } = context;
    await recordRisingIssue(
      api.db,
      tenant.orgId,
      { unitId: null, topic: 'delivery', windowStart: '2020-01-06', mentions: 30, baselineWeeklyMean: 5 },
      detected,
    );
    const [issue] = await listRisingIssues(api.db, tenant.orgId, null, new Date(0));
    await acknowledgeRisingIssue(api.db, tenant.orgId, issue!.id, new Date(detected.getTime() + HOUR));
    expect((await metrics(tenant)).reading('rising_issues_acted_on_90d')).toMatchObject({
      value: 0,
      sampleSize: 1,
    });

    await openCase(tenant, { openedHoursAgo: 19 * 24, owned: true, resolved: true, topics: ['delivery'] });
    expect((await metrics(tenant)).reading('rising_issues_acted_on_90d')).toMatchObject({
      value: 1,
      sampleSize: 1,
    });
  });
});
