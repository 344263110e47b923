import {
  CASE_RESPONSE_BUCKETS,
  type ChannelWindowTotals,
  caseTopicWindowStats,
  caseWindowStats,
  createTeam,
  createUnit,
  type DayWindow,
  nestedChannelTotals,
  returningCustomers,
  type ScoreScope,
  storeFeedbackBatch,
} from '@cxloop/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, startTestApi, type TestApi, type TestTenant } from '../support/fixtures.js';

/**
 * The case and returning-customer rollups are kept by triggers; these tests drive them through inserts,
 * updates, deletes and out-of-order visits, then compare what the recompute reads with a direct scan of
 * the raw rows (the definition the rollups must reproduce). The nested channel windows are checked the same
 * way against each window summed on its own.
 */
let api: TestApi;
let tenant: TestTenant;
let units: string[];
const hour = 3_600_000;
const day = 24 * hour;
const now = new Date();

/** A seeded generator, so a failure reproduces. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const windowOf = (days: number): DayWindow => ({
  from: utcDay(new Date(now.getTime() - (days - 1) * day)),
  to: utcDay(now),
});

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTenant(api.db, api.secretBox, 'Window rollups org');
  units = [];
  for (const key of ['north', 'south']) {
    units.push((await createUnit(api.db, tenant.orgId, { key, name: key })).id);
  }
});
afterAll(async () => {
  await api.close();
});

describe('case rollups', () => {
  /** Dismissed cases count in no figure. */
  const undismissedCases = (scope: ScoreScope) =>
    api.db
      .selectFrom('cases')
      .selectAll()
      .where('org_id', '=', scope.orgId)
      .where('status', '<>', 'dismissed')
      .execute();

  /** The closed-loop figures by their definition, straight from the cases. */
  async function scanned(scope: ScoreScope, window: DayWindow) {
    const rows = await undismissedCases(scope);
    const inScope = rows.filter(
      (c) =>
        utcDay(c.opened_at) >= window.from &&
        utcDay(c.opened_at) <= window.to &&
        (scope.unitId === null || c.unit_id === scope.unitId),
    );
    const count = (test: (c: (typeof inScope)[number]) => boolean) => inScope.filter(test).length;
    const acknowledged = (c: (typeof inScope)[number]) =>
      c.acknowledged_at !== null || c.first_response_at !== null;
    const histogram = CASE_RESPONSE_BUCKETS.map(() => 0).concat(0);
    for (const c of inScope) {
      if (!c.first_response_at) continue;
      const hours = Math.max(0, (c.first_response_at.getTime() - c.opened_at.getTime()) / hour);
      const bucket = CASE_RESPONSE_BUCKETS.findIndex((upper) => hours <= upper);
      histogram[bucket === -1 ? CASE_RESPONSE_BUCKETS.length : bucket]! += 1;
    }
    return {
      opened: inScope.length,
      acknowledgementDue: count(
        (c) => acknowledged(c) || c.closed_at !== null || c.first_response_due_at <= now,
      ),
      acknowledged: count(acknowledged),
      resolutionDue: count((c) => c.closed_at !== null || c.resolution_due_at <= now),
      closedWithReply: count((c) => c.status === 'resolved' && c.first_response_at !== null),
      answered: count((c) => c.first_response_at !== null),
      firstResponseHours: histogram,
      firstResponseDue: count(
        (c) => c.first_response_at !== null || c.closed_at !== null || c.first_response_due_at <= now,
      ),
      firstResponseInTime: count(
        (c) => c.first_response_at !== null && c.first_response_at <= c.first_response_due_at,
      ),
      owned: count((c) => c.first_assigned_at !== null),
      ownershipDue: count(
        (c) => c.first_assigned_at !== null || c.closed_at !== null || c.first_response_due_at <= now,
      ),
      resolved: count((c) => c.status === 'resolved' || c.reopen_count > 0),
      reopened: count((c) => c.reopen_count > 0),
    };
  }

  /** Owning-team figures by their definition: per leading topic, cases due and answered in time per team. */
  async function scannedByTopic(scope: ScoreScope, window: DayWindow) {
    const rows = await undismissedCases(scope);
    const byTopic = new Map<
      string,
      { topic: string; due: number; answeredInTimeByTeam: Map<string | null, number> }
    >();
    for (const c of rows) {
      const topic = c.topics[0];
      if (!topic || utcDay(c.opened_at) < window.from || utcDay(c.opened_at) > window.to) continue;
      if (scope.unitId !== null && c.unit_id !== scope.unitId) continue;
      const stats = byTopic.get(topic) ?? { topic, due: 0, answeredInTimeByTeam: new Map() };
      byTopic.set(topic, stats);
      const inTime = c.first_response_at !== null && c.first_response_at <= c.first_response_due_at;
      stats.answeredInTimeByTeam.set(
        c.team_id,
        (stats.answeredInTimeByTeam.get(c.team_id) ?? 0) + Number(inTime),
      );
      if (c.first_response_at !== null || c.closed_at !== null || c.first_response_due_at <= now)
        stats.due += 1;
    }
    return sortedByTopic([...byTopic.values()]);
  }
  const sortedByTopic = (stats: { topic: string }[]) =>
    [...stats].sort((a, b) => a.topic.localeCompare(b.topic));

  it('match a scan of the cases after inserts, workflow updates, reopenings, dismissals and deletes', async () => {
    const random = seeded(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const stored = await storeFeedbackBatch(
      api.db,
      Array.from({ length: 80 }, (_, index) => ({
        org_id: tenant.orgId,
        source_id: tenant.sourceId,
        unit_id: pick([units[0]!, units[1]!, null]),
        channel: 'web',
        external_id: `case-${index}`,
        text: 'It broke again',
        metadata: JSON.stringify({}),
        occurred_at: now,
      })),
    );
    const unitOf = new Map(
      (
        await api.db
          .selectFrom('feedback')
          .select(['id', 'unit_id'])
          .where('org_id', '=', tenant.orgId)
          .execute()
      ).map((row) => [row.id, row.unit_id]),
    );
    const at = (base: Date, hours: number) => new Date(base.getTime() + hours * hour);
    const past = (moment: Date | null) => (moment && moment <= now ? moment : null);
    const teams = [
      (await createTeam(api.db, tenant.orgId, { name: 'Care' })).id,
      (await createTeam(api.db, tenant.orgId, { name: 'Logistics' })).id,
      null,
    ];
    const topicLists = [[], ['billing'], ['delivery_delay', 'billing'], ['app_website']];
    for (const feedback of stored) {
      const opened = new Date(now.getTime() - random() * 45 * day);
      const closed = random() < 0.6 ? past(at(opened, random() * 72)) : null;
      await api.db
        .insertInto('cases')
        .values({
          org_id: tenant.orgId,
          feedback_id: feedback.id,
          source_id: tenant.sourceId,
          unit_id: unitOf.get(feedback.id) ?? null,
          channel: 'web',
          severity: 'high',
          urgency: 0.5,
          priority: 2,
          flag_codes: [],
          topics: pick(topicLists),
          team_id: pick(teams),
          status: closed
            ? pick(['resolved', 'resolved', 'dismissed'])
            : pick(['new', 'acknowledged', 'in_progress']),
          opened_at: opened,
          first_response_due_at: at(opened, pick([1, 4, 24])),
          resolution_due_at: at(opened, pick([24, 72])),
          acknowledged_at: random() < 0.6 ? past(at(opened, random() * 5)) : null,
          first_assigned_at: random() < 0.7 ? past(at(opened, random() * 2)) : null,
          first_response_at: random() < 0.6 ? past(at(opened, random() * 900)) : null,
          closed_at: closed,
        })
        .execute();
    }
    const cases = await api.db.selectFrom('cases').selectAll().where('org_id', '=', tenant.orgId).execute();
    for (const c of cases.slice(0, 10)) {
      // Reopened: no longer closed, back in progress.
      await api.db
        .updateTable('cases')
        .set({ status: 'in_progress', closed_at: null, reopen_count: sql`reopen_count + 1` })
        .where('id', '=', c.id)
        .execute();
    }
    for (const c of cases.slice(10, 20)) {
      await api.db
        .updateTable('cases')
        .set({ status: 'dismissed', closed_at: now, dismiss_reason: 'duplicate' })
        .where('id', '=', c.id)
        .execute();
    }
    for (const c of cases.slice(20, 35)) {
      await api.db
        .updateTable('cases')
        .set({ acknowledged_at: c.opened_at, first_response_at: at(c.opened_at, 0.3), status: 'in_progress' })
        .where('id', '=', c.id)
        .execute();
    }
    for (const c of cases.slice(38, 50)) {
      // Handed to another team, and a topic corrected: the topic rollup moves the case with them.
      await api.db
        .updateTable('cases')
        .set({ team_id: pick(teams), topics: pick(topicLists) })
        .where('id', '=', c.id)
        .execute();
    }
    // An update that touches no counted column (a note's version bump) changes nothing either way.
    await api.db
      .updateTable('cases')
      .set({ version: sql`version + 1` })
      .where('org_id', '=', tenant.orgId)
      .execute();
    await api.db
      .deleteFrom('cases')
      .where(
        'id',
        'in',
        cases.slice(35, 38).map((c) => c.id),
      )
      .execute();

    for (const unitId of [null, units[0]!, units[1]!]) {
      for (const days of [7, 30]) {
        const scope = { orgId: tenant.orgId, unitId };
        const expected = await scanned(scope, windowOf(days));
        expect(expected.opened).toBeGreaterThan(0);
        expect(await caseWindowStats(api.db, scope, windowOf(days), now)).toEqual(expected);
        expect(sortedByTopic(await caseTopicWindowStats(api.db, scope, windowOf(days), now))).toEqual(
          await scannedByTopic(scope, windowOf(days)),
        );
      }
    }
  });
});

describe('returning customers', () => {
  /** Customers active in the window, and those of them also active in the window before, from customer_days. */
  async function scanned(scope: ScoreScope, window: DayWindow, before: DayWindow) {
    const visits = await api.db
      .selectFrom('customer_days')
      .select(['customer_ref', sql<string>`day::text`.as('day'), 'unit_id'])
      .where('org_id', '=', scope.orgId)
      .execute();
    const mine = visits.filter((visit) => scope.unitId === null || visit.unit_id === scope.unitId);
    const active = (range: DayWindow) =>
      new Set(mine.filter((v) => v.day >= range.from && v.day <= range.to).map((v) => v.customer_ref));
    const current = active(window);
    const earlier = active(before);
    return { identified: current.size, returning: [...current].filter((ref) => earlier.has(ref)).length };
  }

  it('match a scan of customer visits counted out of order, across units and in shared statements', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Returning customers org');
    const ownUnits = [
      (await createUnit(api.db, own.orgId, { key: 'east', name: 'East' })).id,
      (await createUnit(api.db, own.orgId, { key: 'west', name: 'West' })).id,
    ];
    const random = seeded(11);
    const visits = Array.from({ length: 400 }, () => ({
      org_id: own.orgId,
      customer_ref: `customer-${Math.floor(random() * 25)}`,
      day: utcDay(new Date(now.getTime() - Math.floor(random() * 75) * day)),
      unit_id: [ownUnits[0]!, ownUnits[1]!, null][Math.floor(random() * 3)]!,
    }));
    // Statements of several rows, some repeating a visit, in no particular order (as rollup batches arrive).
    for (let start = 0; start < visits.length; start += 13) {
      const chunk = visits.slice(start, start + 13);
      const unique = [...new Map(chunk.map((v) => [JSON.stringify(v), v])).values()];
      await api.db
        .insertInto('customer_days')
        .values(unique)
        .onConflict((oc) => oc.constraint('customer_days_key').doNothing())
        .execute();
    }
    for (const days of [7, 30]) {
      const window = windowOf(days);
      const before = {
        from: utcDay(new Date(new Date(`${window.from}T00:00:00Z`).getTime() - days * day)),
        to: utcDay(new Date(new Date(`${window.from}T00:00:00Z`).getTime() - day)),
      };
      for (const unitId of [null, ...ownUnits]) {
        const scope = { orgId: own.orgId, unitId };
        const expected = await scanned(scope, window, before);
        expect(expected.identified).toBeGreaterThan(0);
        expect(await returningCustomers(api.db, scope, window, before)).toEqual(expected);
      }
    }
    // Rows whose count went back to 0 (a visit linked in between) are absent from a rebuild.
    const chainRows = () =>
      api.db
        .selectFrom('rollup_customer_return')
        .select([
          'unit_id',
          sql<string>`day::text`.as('day'),
          sql<string>`prev_day::text`.as('prev_day'),
          'count',
        ])
        .where('org_id', '=', own.orgId)
        .where('count', '<>', 0)
        .orderBy('unit_id')
        .orderBy('day')
        .orderBy('prev_day')
        .execute();
    const chains = await chainRows();
    // Linked visit by visit, the chains equal a one-pass rebuild.
    await sql`select cxloop_rebuild_customer_returns(${own.orgId})`.execute(api.db);
    const rebuilt = await chainRows();
    expect(chains).toEqual(rebuilt);
  });
});

describe('channel windows', () => {
  it('sum each of several nested windows as a separate read of each would', async () => {
    const own = await createTenant(api.db, api.secretBox, 'Channel windows org');
    const ownUnits = [
      (await createUnit(api.db, own.orgId, { key: 'east', name: 'East' })).id,
      (await createUnit(api.db, own.orgId, { key: 'west', name: 'West' })).id,
    ];
    const random = seeded(11);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const randomRow = () => ({
      org_id: own.orgId,
      day: utcDay(new Date(now.getTime() - Math.floor(random() * 200) * day)),
      unit_id: pick([null, ...ownUnits]),
      channel: pick(['email', 'sms', 'chat', 'review']),
      feedback_count: 1 + Math.floor(random() * 9),
      identified_count: Math.floor(random() * 3),
      rated_count: Math.floor(random() * 4),
      nps_count: Math.floor(random() * 3),
      csat_sum: Math.floor(random() * 20),
      sentiment_sum: random() * 4 - 2,
    });
    // Days up to 200 back (some outside the longest window), channels seen in only some windows.
    const byKey = new Map<string, ReturnType<typeof randomRow>>();
    for (let i = 0; i < 400; i++) {
      const row = randomRow();
      byKey.set(`${row.day}|${row.unit_id}|${row.channel}`, row);
    }
    const rows = [...byKey.values()];
    await api.db.insertInto('rollup_channel_daily').values(rows).execute();

    /** One window's sums by definition: the rows of the scope whose day falls in it. */
    function summed(scope: ScoreScope, window: DayWindow) {
      type Sums = Pick<
        ChannelWindowTotals,
        | 'channel'
        | 'firstDay'
        | 'feedback'
        | 'attributed'
        | 'identified'
        | 'rated'
        | 'nps'
        | 'csatSum'
        | 'sentimentSum'
      >;
      const byChannel = new Map<string, Sums>();
      for (const row of rows) {
        if (row.day < window.from || row.day > window.to) continue;
        if (scope.unitId !== null && row.unit_id !== scope.unitId) continue;
        const sums: Sums = byChannel.get(row.channel) ?? {
          channel: row.channel,
          firstDay: row.day,
          feedback: 0,
          attributed: 0,
          identified: 0,
          rated: 0,
          nps: 0,
          csatSum: 0,
          sentimentSum: 0,
        };
        if (row.day < sums.firstDay) sums.firstDay = row.day;
        sums.feedback += row.feedback_count;
        sums.attributed += row.unit_id === null ? 0 : row.feedback_count;
        sums.identified += row.identified_count;
        sums.rated += row.rated_count;
        sums.nps += row.nps_count;
        sums.csatSum += row.csat_sum;
        sums.sentimentSum += row.sentiment_sum;
        byChannel.set(row.channel, sums);
      }
      return [...byChannel.values()].sort((a, b) => String(a.channel).localeCompare(String(b.channel)));
    }

    const windows = [windowOf(7), windowOf(30), windowOf(90), windowOf(180)];
    for (const unitId of [null, ...ownUnits]) {
      const scope = { orgId: own.orgId, unitId };
      const nested = await nestedChannelTotals(api.db, scope, windows);
      expect(nested).toHaveLength(windows.length);
      for (const [index, window] of windows.entries()) {
        const read = nested[index]!.map((totals) => ({
          channel: totals.channel,
          firstDay: totals.firstDay,
          feedback: totals.feedback,
          attributed: totals.attributed,
          identified: totals.identified,
          rated: totals.rated,
          nps: totals.nps,
          csatSum: totals.csatSum,
          sentimentSum: totals.sentimentSum,
        }));
        const expected = summed(scope, window);
        expect(expected.length).toBeGreaterThan(0);
        expect(read).toEqual(
          expected.map((sums) => ({ ...sums, sentimentSum: expect.closeTo(sums.sentimentSum, 6) })),
        );
        // A window read on its own gives what it gave among the others.
        expect(await nestedChannelTotals(api.db, scope, [window])).toEqual([nested[index]]);
      }
    }
  });
});
