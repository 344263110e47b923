import { sql } from 'kysely';
import type { Db } from './connection.js';
import { type DayWindow, inScope, type ScoreScope } from './rollup-windows.js';

/**
 * The organisation's journey configuration (touchpoints, their owners, how feedback maps to them, topic
 * owners) and what the metric catalogue reads from it: touchpoint coverage and ownership shares.
 */

export interface TouchpointConfig {
  key: string;
  name: string;
  ownerTeamId: string | null;
  /** Event `touchpoint` values that name this touchpoint besides its key. */
  eventValues: string[];
  /** Sources whose feedback falls to this touchpoint when the event names no declared touchpoint. */
  sourceIds: string[];
}

export interface TopicConfig {
  topic: string;
  touchpointKey: string | null;
  ownerTeamId: string | null;
}

/** Touchpoints in journey order, and the topics with a touchpoint or an owner. */
export interface Journey {
  touchpoints: TouchpointConfig[];
  topics: TopicConfig[];
}

export async function loadJourney(db: Db, orgId: string): Promise<Journey> {
  const [touchpoints, sources, topics] = await Promise.all([
    db.selectFrom('touchpoints').selectAll().where('org_id', '=', orgId).orderBy('position').execute(),
    db
      .selectFrom('touchpoint_sources')
      .select(['source_id', 'touchpoint_key'])
      .where('org_id', '=', orgId)
      .orderBy('source_id')
      .execute(),
    db.selectFrom('topic_settings').selectAll().where('org_id', '=', orgId).orderBy('topic').execute(),
  ]);
  return {
    touchpoints: touchpoints.map((touchpoint) => ({
      key: touchpoint.key,
      name: touchpoint.name,
      ownerTeamId: touchpoint.owner_team_id,
      eventValues: touchpoint.event_values,
      sourceIds: sources.filter((row) => row.touchpoint_key === touchpoint.key).map((row) => row.source_id),
    })),
    topics: topics.map((topic) => ({
      topic: topic.topic,
      touchpointKey: topic.touchpoint_key,
      ownerTeamId: topic.owner_team_id,
    })),
  };
}

/**
 * Replaces the whole journey configuration in one transaction. The caller has checked that keys are unique,
 * teams and sources belong to the organisation, and topics name declared touchpoints.
 */
export async function replaceJourney(db: Db, orgId: string, journey: Journey): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('topic_settings').where('org_id', '=', orgId).execute();
    await trx.deleteFrom('touchpoint_sources').where('org_id', '=', orgId).execute();
    await trx.deleteFrom('touchpoints').where('org_id', '=', orgId).execute();
    if (journey.touchpoints.length > 0) {
      await trx
        .insertInto('touchpoints')
        .values(
          journey.touchpoints.map((touchpoint, position) => ({
            org_id: orgId,
            key: touchpoint.key,
            name: touchpoint.name,
            position,
            owner_team_id: touchpoint.ownerTeamId,
            event_values: touchpoint.eventValues,
          })),
        )
        .execute();
    }
    const sources = journey.touchpoints.flatMap((touchpoint) =>
      touchpoint.sourceIds.map((sourceId) => ({
        org_id: orgId,
        source_id: sourceId,
        touchpoint_key: touchpoint.key,
      })),
    );
    if (sources.length > 0) await trx.insertInto('touchpoint_sources').values(sources).execute();
    const topics = journey.topics.filter(
      (topic) => topic.touchpointKey !== null || topic.ownerTeamId !== null,
    );
    if (topics.length > 0) {
      await trx
        .insertInto('topic_settings')
        .values(
          topics.map((topic) => ({
            org_id: orgId,
            topic: topic.topic,
            touchpoint_key: topic.touchpointKey,
            owner_team_id: topic.ownerTeamId,
          })),
        )
        .execute();
    }
  });
}

/** Ids of the organisation's sources among `sourceIds`. */
export async function existingSourceIds(
  db: Db,
  orgId: string,
  sourceIds: readonly string[],
): Promise<Set<string>> {
  if (sourceIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('sources')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', [...sourceIds])
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** How an event's touchpoint value is compared with a touchpoint's key and event values. */
export function normaliseTouchpointValue(value: string): string {
  return value.trim().toLowerCase();
}

/** What feedback in a window reached: per source, the event touchpoint values seen; the topics mentioned. */
export interface JourneyTraffic {
  sourceValues: readonly { sourceId: string; touchpoint: string | null }[];
  topics: readonly string[];
}

/**
 * The declared touchpoints some feedback reached: by naming it in its event (key or an event value); else,
 * from a source that defaults to it; or by mentioning a topic that belongs to it. Pure.
 *
 * @example coveredTouchpoints(journey, { sourceValues: [{ sourceId: s, touchpoint: 'Delivery' }], topics: [] })
 */
export function coveredTouchpoints(journey: Journey, traffic: JourneyTraffic): Set<string> {
  const byValue = new Map<string, string>();
  const bySource = new Map<string, string>();
  for (const touchpoint of journey.touchpoints) {
    for (const value of [touchpoint.key, ...touchpoint.eventValues]) {
      byValue.set(normaliseTouchpointValue(value), touchpoint.key);
    }
    for (const sourceId of touchpoint.sourceIds) bySource.set(sourceId, touchpoint.key);
  }
  const covered = new Set<string>();
  for (const { sourceId, touchpoint } of traffic.sourceValues) {
    const named = touchpoint === null ? undefined : byValue.get(normaliseTouchpointValue(touchpoint));
    const reached = named ?? bySource.get(sourceId);
    if (reached !== undefined) covered.add(reached);
  }
  const heard = new Set(traffic.topics);
  for (const topic of journey.topics) {
    if (topic.touchpointKey !== null && heard.has(topic.topic)) covered.add(topic.touchpointKey);
  }
  return covered;
}

/** Sources × event touchpoint values with feedback in the window: rows bounded by sources × values × days. */
async function sourceTouchpointValues(db: Db, scope: ScoreScope, window: DayWindow) {
  const rows = await inScope(db.selectFrom('rollup_source_touchpoint_daily'), scope, window)
    .select(['source_id', 'touchpoint'])
    .groupBy(['source_id', 'touchpoint'])
    .having(sql<number>`sum(feedback_count)`, '>', 0)
    .execute();
  return rows.map((row) => ({ sourceId: row.source_id, touchpoint: row.touchpoint }));
}

/** Topics mentioned in the window, from the topic × unit × day rollup. */
async function topicsHeard(db: Db, scope: ScoreScope, window: DayWindow): Promise<string[]> {
  const rows = await inScope(db.selectFrom('rollup_topic_unit_daily'), scope, window)
    .select('topic')
    .groupBy('topic')
    .having(sql<number>`sum(mentions)`, '>', 0)
    .execute();
  return rows.map((row) => row.topic);
}

export interface TouchpointCoverage {
  declared: number;
  /** Keys of the declared touchpoints with feedback in the window, in journey order. */
  covered: string[];
  /** Those of `covered` with an owning team. */
  coveredOwned: string[];
}

/** Declared touchpoints of a scope that feedback reached in the window (see `coveredTouchpoints`). */
export async function touchpointCoverage(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
): Promise<TouchpointCoverage> {
  const journey = await loadJourney(db, scope.orgId);
  if (journey.touchpoints.length === 0) return { declared: 0, covered: [], coveredOwned: [] };
  const [sourceValues, topics] = await Promise.all([
    sourceTouchpointValues(db, scope, window),
    topicsHeard(db, scope, window),
  ]);
  const reached = coveredTouchpoints(journey, { sourceValues, topics });
  const covered = journey.touchpoints.filter((touchpoint) => reached.has(touchpoint.key));
  return {
    declared: journey.touchpoints.length,
    covered: covered.map((touchpoint) => touchpoint.key),
    coveredOwned: covered
      .filter((touchpoint) => touchpoint.ownerTeamId !== null)
      .map((touchpoint) => touchpoint.key),
  };
}

export interface JourneyOwnership {
  touchpoints: { declared: number; owned: number };
  /** Topics customers mentioned in the window, and those of them with an owning team. */
  topics: { heard: number; owned: number };
}

/** How much of the journey has an owning team: declared touchpoints, and the topics customers raised. */
export async function journeyOwnership(
  db: Db,
  scope: ScoreScope,
  window: DayWindow,
): Promise<JourneyOwnership> {
  const [journey, heard] = await Promise.all([loadJourney(db, scope.orgId), topicsHeard(db, scope, window)]);
  const ownedTopics = new Set(
    journey.topics.filter((topic) => topic.ownerTeamId !== null).map((topic) => topic.topic),
  );
  return {
    touchpoints: {
      declared: journey.touchpoints.length,
      owned: journey.touchpoints.filter((touchpoint) => touchpoint.ownerTeamId !== null).length,
    },
    topics: { heard: heard.length, owned: heard.filter((topic) => ownedTopics.has(topic)).length },
  };
}
