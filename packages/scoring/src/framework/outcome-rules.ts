import { atLeast } from '../attainment.js';
import type { MetricRule } from '../model.js';

/**
 * Metric rules of the indicators evidenced by customer outcomes (the loyalty & value analysis). What counts
 * is that the practice is measured on enough customers to be trusted, not whether the figures are good:
 * high or low retention is the organisation's result, measuring it is its maturity.
 */

export const retentionMeasured: MetricRule = {
  metric: 'retention_measured_customers_365d',
  mapping: atLeast([50, 0.5], [200, 1]),
  reason:
    'Retention is measured from what customers bought, not inferred from feedback; at 200 buyers a ' +
    'retention rate’s 95 % interval is about ±7 points, at 50 about ±14.',
};

export const advocacyLinkedToRetention: MetricRule = {
  metric: 'advocacy_retention_linked_365d',
  mapping: atLeast([30, 0.5], [100, 1]),
  reason:
    'Linking advocacy to retention means following the same customers from their answer to what they did ' +
    'next; 100 such customers give each NPS group a few dozen, 30 show the link exists.',
};

export const loyaltyValueComputed: MetricRule = {
  metric: 'loyalty_value_computed_365d',
  mapping: atLeast([50, 0.5], [200, 1]),
  reason:
    'The financial impact of loyalty is computed when repeat revenue is separated and customers are valued ' +
    'by a predictive model; 200 buyers is the fewest the models are fitted on.',
};

export const lifetimeValuePredicted: MetricRule = {
  metric: 'clv_model_validated_365d',
  mapping: atLeast([0.5, 0.5], [1, 1]),
  reason:
    'Predictive lifetime value needs a fitted model; only one that matches the purchases it was fitted on ' +
    '(fit check) earns full credit, since an unvalidated model can mislead.',
};

export const highValueChannelsKnown: MetricRule = {
  metric: 'high_value_channels_known_365d',
  mapping: atLeast([1, 1]),
  reason:
    'Knowing where high-value customers buy needs value segments and the channels of each purchase; once ' +
    'both exist the comparison is made for every channel.',
};

export const purchaseCycleMeasured: MetricRule = {
  metric: 'repeat_buyers_measured_365d',
  mapping: atLeast([30, 0.5], [100, 1]),
  reason:
    'The purchase–repurchase cycle is the time between purchases of repeat buyers; 100 of them make its ' +
    'quartiles stable, 30 make it visible.',
};

export const spendPerSegmentMeasured: MetricRule = {
  metric: 'segments_with_spend_365d',
  mapping: atLeast([1, 0.5], [2, 1]),
  reason:
    'Spend per customer and segment is analysed when at least two segments can be compared on 30 or more ' +
    'buyers each; one segment gives spend per customer only.',
};

export const feedbackLinkedToOutcomes: MetricRule = {
  metric: 'significant_loyalty_drivers_365d',
  mapping: atLeast([1, 1]),
  reason:
    'A formal statistical process linking feedback to business results shows at least one link that ' +
    'survives a correction for testing many topics; none found means the process has nothing to track yet.',
};

export const outcomesAnalysedWithFeedback: MetricRule = {
  metric: 'loyalty_links_tested_365d',
  mapping: atLeast([1, 0.5], [5, 1]),
  reason:
    'Outcome measures are analysed together with experience measures when feedback factors are tested ' +
    'against what the same customers did next; five factors make it a routine, one a start.',
};
