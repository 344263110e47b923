import { z } from 'zod';

/** Why an element moved: one cause of `diffScores`, with the evidence readings that changed. */
export const ScoreChangeCause = z.object({
  kind: z.enum(['indicator', 'objective', 'weight']),
  indicatorId: z.string().optional(),
  points: z.number(),
  evidence: z
    .array(
      z.object({
        source: z.string(),
        before: z.object({ value: z.number(), sampleSize: z.number() }).optional(),
        after: z.object({ value: z.number(), sampleSize: z.number() }).optional(),
      }),
    )
    .optional(),
});

/**
 * One score change, as published on the organisation's score stream and sent to managers over SSE: which
 * scope (enterprise or unit), the total before and after, and every element that moved with why.
 */
export const ScoreChangeEvent = z.object({
  orgId: z.uuid(),
  scope: z.string(),
  unitId: z.uuid().nullable(),
  historyId: z.string(),
  recordedAt: z.string(),
  total: z.object({ before: z.number().nullable(), after: z.number() }),
  stage: z.object({ before: z.string().nullable(), after: z.string() }),
  elements: z.array(
    z.object({
      elementId: z.string(),
      name: z.string(),
      before: z.number().nullable(),
      after: z.number(),
      why: z.array(ScoreChangeCause),
    }),
  ),
  /**
   * What a reader sees change, at the precision shown (packages/scoring `ScorePatch`): the header figures,
   * the dimensions and elements that changed and, within them, only the indicators that changed. Absent on a
   * scope's first score: a client then loads the whole score.
   */
  patch: z.unknown().optional(),
});
export type ScoreChangeEvent = z.infer<typeof ScoreChangeEvent>;
