import { type FrameworkScore, type MetricId, metricDefinition } from '@cxloop/scoring';
import { z } from 'zod';

/**
 * A score as stored (score_current.score, recorded_score): the FrameworkScore with a `version`, parsed with
 * zod whenever it is read back, so a row of another shape fails loudly where it is read instead of flowing
 * into diffs and pages. Rows written before a shape change are brought up to date on read by MIGRATIONS.
 */

/** The shape written today. Bump it with a shape change, and add the step from the previous one below. */
export const STORED_SCORE_VERSION = 1;

/**
 * Steps from each older version to the next. Rows written before scores carried a version (version 0) have
 * today's shape: that step only stamps the version.
 */
const MIGRATIONS: Record<number, (stored: Record<string, unknown>) => Record<string, unknown>> = {
  0: (stored) => ({ ...stored, version: 1 }),
};

const metricId = z.custom<MetricId>(
  (value) => typeof value === 'string' && metricDefinition(value) !== undefined,
  'not a catalogue metric',
);
const stage = z.enum(['ignore', 'explore', 'mobilize', 'operationalize', 'align', 'embed']);
const dimensionId = z.enum(['D1', 'D2', 'D3', 'D4', 'D5', 'D6']);
const objectiveLevel = z.enum(['fully', 'partially', 'not_yet']);

const evidenceListed = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('metric'),
    metric: metricId,
    value: z.number(),
    sampleSize: z.number(),
    window: z.object({ from: z.string(), to: z.string() }),
    attainment: z.number(),
    confidence: z.number(),
  }),
  z.object({
    source: z.literal('survey'),
    mean: z.number(),
    respondents: z.number(),
    distribution: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]).optional(),
    attainment: z.number(),
    confidence: z.number(),
  }),
  z.object({ source: z.literal('survey_held_back'), respondents: z.number(), minRespondents: z.number() }),
]);

const indicatorScore = z.object({
  id: z.string(),
  statement: z.string(),
  status: z.enum(['measured', 'missing', 'overridden']),
  attainment: z.number().nullable(),
  confidence: z.number(),
  evidence: z.array(evidenceListed),
  override: z
    .object({
      attainment: z.number(),
      computed: z.number().nullable(),
      reason: z.string(),
      by: z.string(),
      at: z.string(),
    })
    .optional(),
});

const elementScore = z.object({
  id: z.string(),
  dimensionId,
  name: z.string(),
  points: z.number(),
  max: z.number(),
  share: z.number(),
  attainment: z.number(),
  objective: z.object({
    level: objectiveLevel.nullable(),
    achievement: z.number(),
    source: z.enum(['assessor', 'unrated']),
    confidence: z.number(),
    rating: z
      .object({
        elementId: z.string(),
        level: objectiveLevel,
        reason: z.string(),
        ratedBy: z.string(),
        ratedAt: z.string(),
      })
      .optional(),
    staffView: z
      .object({ elementId: z.string(), fully: z.number(), partially: z.number(), notYet: z.number() })
      .optional(),
  }),
  stage,
  confidence: z.number(),
  missing: z.array(z.string()),
  indicators: z.array(indicatorScore),
  target: z.object({ points: z.number(), stage: stage.optional(), gap: z.number() }).optional(),
});

const groupPoints = z.object({ points: z.number(), max: z.number() });

/** Today's stored shape; typed against FrameworkScore, so a change to the type breaks the build here. */
const storedScore: z.ZodType<FrameworkScore & { version: number }> = z.object({
  version: z.literal(STORED_SCORE_VERSION),
  total: z.number(),
  max: z.number(),
  stage,
  confidence: z.number(),
  groups: z.object({ alignment: groupPoints, performance: groupPoints }),
  coverage: z.object({ indicators: z.number(), measured: z.number(), missing: z.number() }),
  dimensions: z.array(
    z.object({
      id: dimensionId,
      name: z.string(),
      group: z.enum(['alignment', 'performance']),
      points: z.number(),
      max: z.number(),
      attainment: z.number(),
      stage,
      confidence: z.number(),
      elements: z.array(elementScore),
    }),
  ),
  gap: z
    .object({
      target: stage,
      reached: z.boolean(),
      points: z.number(),
      dimensions: z.array(z.object({ id: dimensionId, points: z.number() })),
    })
    .optional(),
  actions: z.array(
    z.object({
      rank: z.number(),
      indicatorId: z.string().nullable(),
      elementId: z.string(),
      elementName: z.string(),
      statement: z.string(),
      kind: z.enum(['rate_objective', 'gather_evidence', 'improve_practice']),
      attainment: z.number().nullable(),
      pointsAvailable: z.number(),
      gapToTarget: z.number(),
      evidence: z.array(z.union([metricId, z.literal('staff_survey'), z.literal('assessor_rating')])),
    }),
  ),
});

/** A score as it is written: today's shape with its version. */
export function toStoredScore(score: FrameworkScore): Record<string, unknown> {
  return { version: STORED_SCORE_VERSION, ...score };
}

/**
 * A stored score read back: migrated from the version it was written in, then parsed.
 *
 * @example readStoredScore(row.score).total
 */
export function readStoredScore(stored: unknown): FrameworkScore {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    throw new TypeError('stored score is not an object');
  }
  let current = stored as Record<string, unknown>;
  for (;;) {
    const version = typeof current.version === 'number' ? current.version : 0;
    const step = MIGRATIONS[version];
    if (version === STORED_SCORE_VERSION || step === undefined) break;
    current = step(current);
  }
  const { version: _version, ...score } = storedScore.parse(current);
  return score;
}
