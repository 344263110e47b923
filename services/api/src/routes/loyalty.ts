import { type Db, findOutcomeAnalysis } from '@cxloop/db';
import { type LoyaltyAnalysis, limitsOf } from '@cxloop/outcomes';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/plugin.js';
import { problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';
import { requireOwnOrg } from './scores.js';

const Interval = z.object({
  estimate: z.number(),
  low: z.number(),
  high: z.number(),
  sampleSize: z.number().int(),
});
const Quantiles = z.object({
  p10: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
});
const Parameter = z.object({
  estimate: z.number(),
  standardError: z.number().optional(),
  low: z.number().optional(),
  high: z.number().optional(),
});

const LoyaltyView = z.object({
  computedAt: z.string(),
  asOf: z.string(),
  customers: z.number().int(),
  buyers: z.number().int(),
  repeatPurchaseRate: Interval.optional(),
  cohorts: z.array(
    z.object({ cohort: z.string(), customers: z.number().int(), retained: z.array(Interval) }),
  ),
  contractRetention: z.array(z.object({ time: z.number(), surviving: z.number(), atRisk: z.number().int() })),
  historicValue: z.object({
    spendPerCustomer: Interval.optional(),
    bySegment: z.array(z.object({ segment: z.string(), spend: Interval.optional() })),
    repeatRevenue: z.number(),
    totalRevenue: z.number(),
  }),
  interPurchaseDays: Quantiles.optional(),
  model: z.union([
    z.object({ fitted: z.literal(false), reason: z.string() }),
    z.object({
      fitted: z.literal(true),
      bgNbd: z.record(z.string(), Parameter),
      gammaGamma: z.record(z.string(), Parameter),
      logLikelihood: z.number(),
      fitCheck: z.array(
        z.object({ repeatPurchases: z.string(), observed: z.number(), expected: z.number() }),
      ),
      fitCheckLargestGap: z.number(),
      validated: z.boolean(),
      clv: z.object({
        horizonWeeks: z.number(),
        discountRatePerMonth: z.number(),
        quantiles: Quantiles,
        total: z.number(),
        topFifthThreshold: z.number(),
        topFifthShare: z.number(),
        channels: z.array(z.object({ channel: z.string(), topFifth: z.number(), others: z.number() })),
      }),
    }),
  ]),
  holdout: z
    .object({
      calibrationEnd: z.string(),
      holdoutWeeks: z.number().int(),
      buyers: z.number().int(),
      predicted: z.number(),
      actual: z.number(),
      relativeError: z.number(),
    })
    .optional()
    .describe('BG/NBD fitted on purchases up to calibrationEnd, its predicted purchases after it vs actual'),
  advocacy: z.array(
    z.object({
      group: z.enum(['promoter', 'passive', 'detractor']),
      windowDays: z.number().int(),
      retention: Interval.optional(),
      spend: Interval.optional(),
    }),
  ),
  drivers: z.array(
    z.object({
      factor: z.string(),
      exposed: z.number().int(),
      unexposed: z.number().int(),
      churnRiskExposed: z.number(),
      churnRiskUnexposed: z.number(),
      relativeRisk: z.number(),
      relativeRiskLow: z.number(),
      relativeRiskHigh: z.number(),
      pValue: z.number(),
      qValue: z.number(),
      significant: z.boolean(),
      spendDifference: z.number(),
      spendDifferenceLow: z.number(),
      spendDifferenceHigh: z.number(),
    }),
  ),
  limits: z.array(z.string()),
});

/**
 * `GET /v1/orgs/:org/loyalty`: the organisation's latest loyalty & value analysis (retention, value,
 * models, advocacy, drivers of loyalty) as the worker last computed it from customer summaries.
 */
export async function loyaltyRoutes(app: FastifyInstance, deps: { db: Db }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orgs/:org/loyalty',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'assessor'),
      schema: {
        summary: 'Loyalty & value: retention, lifetime value, value segments and drivers of loyalty',
        description:
          'Computed by the aggregation worker from per-customer summaries of outcome events whenever they ' +
          'change. Intervals are 95 %. Drivers are associations (relative risk of no repeat purchase), with ' +
          'Benjamini–Hochberg q-values; see docs/outcomes.md for methods and limits. 404 until outcomes arrive.',
        tags: ['scores'],
        security,
        params: z.object({ org: z.string() }),
        response: { 200: LoyaltyView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const orgId = requireOwnOrg(request, request.params.org);
      const stored = await findOutcomeAnalysis(deps.db, orgId);
      if (!stored) throw problems.notFound('Loyalty analysis');
      const analysis = stored.result as unknown as LoyaltyAnalysis;
      return {
        ...(analysis as unknown as z.infer<typeof LoyaltyView>),
        computedAt: stored.computedAt.toISOString(),
        limits: limitsOf(analysis),
      };
    },
  );
}
