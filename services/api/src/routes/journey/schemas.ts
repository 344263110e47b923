import { z } from 'zod';

/** A touchpoint key: a short slug, stable across renames (event values and topic rules point at it). */
const TouchpointKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a lower-case slug: letters, digits, "-" or "_", at most 40');

export const TouchpointBody = z
  .object({
    key: TouchpointKey,
    name: z.string().trim().min(1).max(100),
    ownerTeamId: z.uuid().nullable().default(null),
    eventValues: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
    sourceIds: z.array(z.uuid()).max(100).default([]),
  })
  .strict();

export const TopicBody = z
  .object({
    topic: z.string().min(1).max(60),
    touchpointKey: TouchpointKey.nullable().default(null),
    ownerTeamId: z.uuid().nullable().default(null),
  })
  .strict();

/** The whole journey configuration; PUT replaces it. Touchpoints in journey order. */
export const JourneyBody = z
  .object({
    touchpoints: z.array(TouchpointBody).max(50),
    topics: z.array(TopicBody).max(100).default([]),
  })
  .strict();
export type JourneyBody = z.infer<typeof JourneyBody>;

export const JourneyView = z.object({
  touchpoints: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      ownerTeamId: z.uuid().nullable(),
      eventValues: z.array(z.string()),
      sourceIds: z.array(z.uuid()),
    }),
  ),
  topics: z.array(
    z.object({ topic: z.string(), touchpointKey: z.string().nullable(), ownerTeamId: z.uuid().nullable() }),
  ),
  /** The analysis's topics, for choosing rules and owners. */
  knownTopics: z.array(z.object({ id: z.string(), label: z.string() })),
  /** What the scores read, over the last 90 days for the whole organisation. */
  coverage: z.object({
    window: z.object({ from: z.string(), to: z.string() }),
    touchpointsDeclared: z.number().int(),
    touchpointsCovered: z.array(z.string()),
    touchpointsOwned: z.number().int(),
    topicsHeard: z.number().int(),
    topicsOwned: z.number().int(),
  }),
});
