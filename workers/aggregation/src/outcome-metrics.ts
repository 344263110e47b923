import { findOutcomeAnalysis } from '@cxloop/db';
import type { LoyaltyAnalysis } from '@cxloop/outcomes';
import type { MetricSources } from './metric-catalogue.js';

/**
 * The outcome metrics of packages/scoring's catalogue, read from the organisation's stored loyalty & value
 * analysis (one row; the worker refits it when customer summaries change), so a recompute costs the same
 * at a thousand customers or a million transactions.
 */

type Outcome = { value: number; sampleSize: number } | { missing: string };

const NO_OUTCOMES = 'no customer outcomes (purchases, renewals, cancellations) received yet';
const WHOLE_ORGANISATION = 'outcomes are analysed for the whole organisation, not per unit';
/** Buyers a segment needs before its spend per customer counts as measured. */
const SEGMENT_MINIMUM = 30;

const analyses = new WeakMap<MetricSources, Promise<LoyaltyAnalysis | undefined>>();

/** The stored analysis, read once per recompute. */
function analysisOf(s: MetricSources): Promise<LoyaltyAnalysis | undefined> {
  let analysis = analyses.get(s);
  if (!analysis) {
    analysis = findOutcomeAnalysis(s.db, s.scope.orgId).then(
      (stored) => stored?.result as unknown as LoyaltyAnalysis | undefined,
    );
    analyses.set(s, analysis);
  }
  return analysis;
}

/** `read` over the stored analysis, or missing with the reason there is none to read. */
function fromAnalysis(read: (analysis: LoyaltyAnalysis) => Outcome) {
  return async (s: MetricSources): Promise<Outcome> => {
    if (s.scope.unitId !== null) return { missing: WHOLE_ORGANISATION };
    const analysis = await analysisOf(s);
    if (!analysis || analysis.buyers === 0) return { missing: NO_OUTCOMES };
    return read(analysis);
  };
}

export const outcomeMetricComputations = {
  retention_measured_customers_365d: fromAnalysis((a) => {
    // Cohorts whose first month is at least three months old have their 90-day retention observed.
    const observed = a.cohorts.filter((c) => c.retained.length >= 3).reduce((sum, c) => sum + c.customers, 0);
    return { value: observed, sampleSize: a.buyers };
  }),
  advocacy_retention_linked_365d: fromAnalysis((a) => {
    const linked = a.advocacy
      .filter((entry) => entry.windowDays === 90)
      .reduce((sum, entry) => sum + (entry.retention?.sampleSize ?? 0), 0);
    return { value: linked, sampleSize: linked };
  }),
  loyalty_value_computed_365d: fromAnalysis((a) => ({
    value: a.model.fitted ? a.buyers : 0,
    sampleSize: a.buyers,
  })),
  clv_model_validated_365d: fromAnalysis((a) => ({
    value: a.model.fitted ? (a.model.validated ? 1 : 0.5) : 0,
    sampleSize: a.buyers,
  })),
  high_value_channels_known_365d: fromAnalysis((a) =>
    a.model.fitted
      ? {
          value: a.model.clv.channels.filter((c) => c.topFifth > 0).length,
          sampleSize: Math.ceil(a.buyers * 0.2),
        }
      : { missing: `no predictive model: ${a.model.reason}` },
  ),
  repeat_buyers_measured_365d: fromAnalysis((a) => {
    const repeaters = a.repeatPurchaseRate
      ? Math.round(a.repeatPurchaseRate.estimate * a.repeatPurchaseRate.sampleSize)
      : 0;
    return { value: repeaters, sampleSize: a.buyers };
  }),
  segments_with_spend_365d: fromAnalysis((a) => ({
    value: a.historicValue.bySegment.filter(
      (s) => s.segment !== 'unsegmented' && (s.spend?.sampleSize ?? 0) >= SEGMENT_MINIMUM,
    ).length,
    sampleSize: a.buyers,
  })),
  significant_loyalty_drivers_365d: fromAnalysis((a) => {
    const linked = a.drivers[0] ? a.drivers[0].exposed + a.drivers[0].unexposed : 0;
    return linked === 0
      ? { missing: 'no customer with both feedback and outcomes to link' }
      : { value: a.drivers.filter((d) => d.significant).length, sampleSize: linked };
  }),
  loyalty_links_tested_365d: fromAnalysis((a) => {
    const linked = a.drivers[0] ? a.drivers[0].exposed + a.drivers[0].unexposed : 0;
    return linked === 0
      ? { missing: 'no customer with both feedback and outcomes to link' }
      : { value: a.drivers.length, sampleSize: linked };
  }),
};
