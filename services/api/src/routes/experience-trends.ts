import { type ChannelDay, type Db, dailyExperienceByChannel, ENTERPRISE_SCOPE } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/plugin.js';
import { problemResponses, security } from './schemas.js';
import { requireOwnOrg } from './scores.js';

const DAY_MS = 86_400_000;

const ExperienceQuery = z
  .object({
    /** `enterprise` or a unit id, as the scores API names scopes. */
    scope: z.union([z.literal(ENTERPRISE_SCOPE), z.uuid()]).default(ENTERPRISE_SCOPE),
    days: z.coerce.number().int().min(1).max(400).default(90),
  })
  .strict();

const ExperienceDay = z.object({
  day: z.string(),
  feedback: z.number().int(),
  /** Net Promoter Score, −100…100; null on a day without NPS answers. */
  nps: z.number().nullable(),
  npsCount: z.number().int(),
  /** Share of CSAT answers of 4 or 5, 0…1. */
  csat: z.number().nullable(),
  csatCount: z.number().int(),
  /** Mean Customer Effort Score. */
  ces: z.number().nullable(),
  cesCount: z.number().int(),
  /** Mean sentiment, −1…1, of the feedback the analyser could read. */
  sentiment: z.number().nullable(),
  sentimentCount: z.number().int(),
});

/** A day's rates from its sums; a rate without answers is null (missing), never zero. */
export function experienceOfDay(row: ChannelDay): z.infer<typeof ExperienceDay> {
  const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const nps = rate(row.npsPromoters - row.npsDetractors, row.npsCount);
  return {
    day: row.day,
    feedback: row.feedback,
    nps: nps === null ? null : nps * 100,
    npsCount: row.npsCount,
    csat: rate(row.csatSatisfied, row.csatCount),
    csatCount: row.csatCount,
    ces: rate(row.cesSum, row.cesCount),
    cesCount: row.cesCount,
    sentiment: rate(row.sentimentSum, row.sentimentCount),
    sentimentCount: row.sentimentCount,
  };
}

/**
 * NPS, CSAT, CES and sentiment per channel and day, for the trends charts. Days are the days customers gave
 * their feedback (occurred_at, UTC), as the feedback list filters; only days with feedback appear.
 */
export async function experienceTrendRoutes(app: FastifyInstance, deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orgs/:org/experience',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'assessor'),
      schema: {
        summary: 'Daily NPS, CSAT, CES and sentiment per channel, for the enterprise or one unit',
        tags: ['scores'],
        security,
        params: z.object({ org: z.string() }),
        querystring: ExperienceQuery,
        response: {
          200: z.object({
            scope: z.string(),
            window: z.object({ from: z.string(), to: z.string() }),
            channels: z.array(z.object({ channel: z.string(), days: z.array(ExperienceDay) })),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const { scope, days } = request.query;
      const today = now();
      const window = {
        from: new Date(today.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10),
        to: today.toISOString().slice(0, 10),
      };
      const rows = await dailyExperienceByChannel(deps.db, orgId, {
        ...window,
        ...(scope === ENTERPRISE_SCOPE ? {} : { unitId: scope }),
      });
      const byChannel = new Map<string, z.infer<typeof ExperienceDay>[]>();
      for (const row of rows) {
        const series = byChannel.get(row.channel) ?? [];
        series.push(experienceOfDay(row));
        byChannel.set(row.channel, series);
      }
      return {
        scope,
        window,
        // By name, so a channel keeps its place (and its colour on the chart) whatever the window.
        channels: [...byChannel]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([channel, series]) => ({ channel, days: series })),
      };
    },
  );
}
