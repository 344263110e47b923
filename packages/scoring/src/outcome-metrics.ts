import type { MetricDefinition } from './metrics.js';

/**
 * Metrics read from the organisation's loyalty & value analysis: customer outcome events (purchases,
 * refunds, renewals, cancellations) summarised per customer, fitted and linked to feedback by the
 * aggregation worker (packages/outcomes; docs/outcomes.md). Whole organisation only, over the last year.
 */
export const outcomeMetrics = {
  retention_measured_customers_365d: {
    name: 'Customers whose retention is measured',
    unit: 'count',
    windowDays: 365,
    description:
      'Buyers (customers with at least one purchase event) whose first purchase is at least 90 days old, so ' +
      'whether they bought again can be observed. From the per-customer purchase summaries.',
    sampleOf: 'buyers',
    halfConfidenceAt: 100,
  },
  advocacy_retention_linked_365d: {
    name: 'Answers linked to later retention',
    unit: 'count',
    windowDays: 365,
    description:
      'Customers with an NPS answer in the last year whose 90 days after answering are over, so their ' +
      'retention can be set beside their advocacy (promoters, passives, detractors).',
    sampleOf: 'customers with an NPS answer and purchases',
    halfConfidenceAt: 50,
  },
  loyalty_value_computed_365d: {
    name: 'Buyers in the financial impact of loyalty',
    unit: 'count',
    windowDays: 365,
    description:
      'Buyers whose revenue is split into first purchase and repeat purchases (the money loyalty brings) and ' +
      'valued by the predictive model; 0 while no predictive model could be fitted.',
    sampleOf: 'buyers',
    halfConfidenceAt: 100,
  },
  clv_model_validated_365d: {
    name: 'Predictive lifetime-value model validated',
    unit: 'share',
    windowDays: 365,
    description:
      '1 when BG/NBD and Gamma-Gamma are fitted with intervals and the purchase model matches the observed ' +
      'repeat-purchase histogram (fit check); 0.5 when fitted but not matching; 0 when there is outcome data ' +
      'but too little to fit.',
    sampleOf: 'buyers',
    halfConfidenceAt: 200,
  },
  high_value_channels_known_365d: {
    name: 'Channels of high-value customers',
    unit: 'count',
    windowDays: 365,
    description:
      'Number of channels the top 20 % of customers by predicted lifetime value bought through, compared ' +
      'with the other customers. Missing until the predictive model is fitted.',
    sampleOf: 'customers in the top 20 % by predicted value',
    halfConfidenceAt: 40,
  },
  repeat_buyers_measured_365d: {
    name: 'Repeat buyers with a measured purchase cycle',
    unit: 'count',
    windowDays: 365,
    description:
      'Customers with two or more purchases, whose mean time between purchases (the purchase–repurchase ' +
      'cycle) is measured.',
    sampleOf: 'buyers',
    halfConfidenceAt: 50,
  },
  segments_with_spend_365d: {
    name: 'Segments with spend per customer',
    unit: 'count',
    windowDays: 365,
    description:
      'Customer segments (as outcome events or imports set them) with spend per customer measured on at ' +
      'least 30 buyers.',
    sampleOf: 'buyers',
    halfConfidenceAt: 100,
  },
  significant_loyalty_drivers_365d: {
    name: 'Significant feedback → outcome links',
    unit: 'count',
    windowDays: 365,
    description:
      'Feedback factors (topics, NPS groups) whose customers differ in the risk of no repeat purchase in the ' +
      '90 days after answering, with a Benjamini–Hochberg q-value below 0.05 (relative risk, log-RR 95 % ' +
      'interval; at least 30 customers with and without the factor).',
    sampleOf: 'customers with feedback and outcomes',
    halfConfidenceAt: 50,
  },
  loyalty_links_tested_365d: {
    name: 'Feedback factors tested against outcomes',
    unit: 'count',
    windowDays: 365,
    description:
      'Feedback factors (topics, NPS groups) with enough customers to be tested against what those customers ' +
      'did next (repeat purchase, spend): outcome measures examined together with experience measures.',
    sampleOf: 'customers with feedback and outcomes',
    halfConfidenceAt: 50,
  },
} as const satisfies Record<string, Omit<MetricDefinition, 'id'>>;
