import { type Db, existingSourceIds, existingTeamIds, normaliseTouchpointValue } from '@cxloop/db';
import { DEFAULT_TOPICS } from '@cxloop/text';
import type { FieldProblem } from '../../problems.js';
import type { JourneyBody } from './schemas.js';

const KNOWN_TOPICS = new Set(DEFAULT_TOPICS.map((topic) => topic.id));

/** The first index of each value; later duplicates are reported at their own path. */
function duplicates<T>(items: readonly T[], keyOf: (item: T) => string, path: (index: number) => string) {
  const seen = new Map<string, number>();
  return items.flatMap((item, index): FieldProblem[] => {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return [];
    }
    return [{ path: path(index), message: `already used at ${path(first)}` }];
  });
}

/**
 * What the schema cannot see: unique keys, event values and sources across touchpoints; teams and sources of
 * this organisation; topics the analysis knows, pointing at declared touchpoints.
 */
export async function journeyProblems(db: Db, orgId: string, journey: JourneyBody): Promise<FieldProblem[]> {
  const { touchpoints, topics } = journey;
  const eventValues = touchpoints.flatMap((touchpoint, t) =>
    [touchpoint.key, ...touchpoint.eventValues].map((value, v) => ({
      value: normaliseTouchpointValue(value),
      path: v === 0 ? `/touchpoints/${t}/key` : `/touchpoints/${t}/eventValues/${v - 1}`,
    })),
  );
  const sources = touchpoints.flatMap((touchpoint, t) =>
    touchpoint.sourceIds.map((sourceId, s) => ({ sourceId, path: `/touchpoints/${t}/sourceIds/${s}` })),
  );
  const teamRefs = [
    ...touchpoints.map((touchpoint, t) => ({
      teamId: touchpoint.ownerTeamId,
      path: `/touchpoints/${t}/ownerTeamId`,
    })),
    ...topics.map((topic, t) => ({ teamId: topic.ownerTeamId, path: `/topics/${t}/ownerTeamId` })),
  ].filter((ref): ref is { teamId: string; path: string } => ref.teamId !== null);
  const [teams, knownSources] = await Promise.all([
    existingTeamIds(db, orgId, [...new Set(teamRefs.map((ref) => ref.teamId))]),
    existingSourceIds(db, orgId, [...new Set(sources.map((source) => source.sourceId))]),
  ]);
  const declared = new Set(touchpoints.map((touchpoint) => touchpoint.key));
  return [
    ...duplicates(
      eventValues,
      (entry) => entry.value,
      (index) => eventValues[index]!.path,
    ),
    ...duplicates(
      sources,
      (entry) => entry.sourceId,
      (index) => sources[index]!.path,
    ),
    ...duplicates(
      topics,
      (topic) => topic.topic,
      (index) => `/topics/${index}/topic`,
    ),
    ...teamRefs
      .filter((ref) => !teams.has(ref.teamId))
      .map((ref) => ({ path: ref.path, message: 'no team with this id in the organisation' })),
    ...sources
      .filter((source) => !knownSources.has(source.sourceId))
      .map((source) => ({ path: source.path, message: 'no source with this id in the organisation' })),
    ...topics.flatMap((topic, t): FieldProblem[] => [
      ...(KNOWN_TOPICS.has(topic.topic)
        ? []
        : [
            {
              path: `/topics/${t}/topic`,
              message: `not a topic of the analysis (${[...KNOWN_TOPICS].join(', ')})`,
            },
          ]),
      ...(topic.touchpointKey === null || declared.has(topic.touchpointKey)
        ? []
        : [{ path: `/topics/${t}/touchpointKey`, message: 'no touchpoint with this key in the body' }]),
    ]),
  ];
}
