import { describe, expect, it } from 'vitest';
import { attainmentOf, higherIsBetter } from './attainment.js';
import { indexEvidence } from './evidence.js';
import { allIndicators, findIndicator } from './framework/index.js';
import { scoreIndicator } from './indicator.js';
import { type MetricId, metricCatalogue } from './metrics.js';
import { observe } from './testing/evidence-arbitraries.js';

/**
 * Hand-checked readings for every metric: the indicator that reads it, a value, and the attainment the
 * documented mapping must give (docs/scoring.md explains each mapping).
 */
const examples: readonly (readonly [MetricId, string, number, number])[] = [
  ['active_channels_30d', 'D5.2.1', 0, 0],
  ['active_channels_30d', 'D5.2.1', 1, 0.2],
  ['active_channels_30d', 'D5.2.1', 3, 0.75],
  ['active_channels_30d', 'D5.2.1', 6, 1],
  ['automated_capture_days_share_30d', 'D5.1.4', 0.6, 0.5],
  ['automated_capture_days_share_30d', 'D6.4.4', 0.2, 0],
  ['touchpoint_coverage_90d', 'D5.1.3', 0.55, 0.5],
  ['touchpoint_coverage_90d', 'D6.4.2', 0.95, 1],
  ['acknowledgement_rate_30d', 'D5.2.5', 0.725, 0.5],
  ['acknowledgement_rate_30d', 'D4.2.5', 0.4, 0],
  ['closed_loop_rate_30d', 'D5.2.5', 0.6, 0.5],
  ['closed_loop_rate_30d', 'D4.2.5', 0.9, 1],
  ['median_first_response_hours_30d', 'D4.2.3', 0.5, 1],
  ['median_first_response_hours_30d', 'D4.2.3', 6, 0.8],
  ['median_first_response_hours_30d', 'D4.2.3', 10, 0.5],
  ['median_first_response_hours_30d', 'D4.2.3', 100, 0],
  ['sla_met_rate_30d', 'D4.2.2', 0.725, 0.5],
  ['flagged_cases_owned_30d', 'D4.2.2', 0.95, 1],
  ['flagged_cases_owned_30d', 'D4.2.2', 0.5, 0],
  ['first_time_resolution_rate_30d', 'D4.2.4', 0.65, 0.5],
  ['first_time_resolution_rate_30d', 'D4.2.4', 0.8, 1],
  ['touchpoints_owned_90d', 'D6.2.2', 0.55, 0.5],
  ['topics_owned_90d', 'D6.2.2', 0.9, 1],
  ['owners_respond_in_time_30d', 'D6.2.3', 0.725, 0.5],
  ['rated_comment_share_90d', 'D5.3.5', 0.35, 0.5],
  ['rated_comment_share_90d', 'D5.3.5', 0.05, 0],
  ['experience_ratings_tracked_30d', 'D5.5.4', 1, 0.4],
  ['experience_ratings_tracked_30d', 'D5.5.4', 2, 0.8],
  ['nps_responses_90d', 'D5.3.1', 50, 0.5],
  ['loyalty_signals_tracked_90d', 'D5.3.1', 1, 0.5],
  ['loyalty_signals_tracked_90d', 'D5.3.3', 1, 0],
  ['loyalty_signals_tracked_90d', 'D5.3.3', 2, 1],
  ['returning_customers_90d', 'D5.3.2', 9, 0],
  ['returning_customers_90d', 'D5.3.2', 10, 0.5],
  ['returning_customers_90d', 'D5.3.2', 30, 1],
  ['identified_feedback_share_90d', 'D5.4.5', 0.4, 0.5],
  ['identified_feedback_share_90d', 'D6.3.3', 0.1, 0],
  ['cross_channel_identity_linkage_90d', 'D6.3.2', 0.375, 0.5],
  ['topic_convergence_30d', 'D6.1.1', 0.35, 0.5],
  ['rising_issues_acted_on_90d', 'D5.5.5', 0.4, 0.5],
  ['rising_issues_planned_90d', 'D6.2.1', 0, 0],
  ['rising_issues_planned_90d', 'D6.2.1', 0.4, 0.5],
  ['rising_issues_planned_90d', 'D5.5.5', 0.8, 1],
  ['actions_owner_named_90d', 'D6.2.2', 0.725, 0.5],
  ['high_priority_actions_planned_90d', 'D6.2.4', 0.6, 0.5],
  ['actions_effect_measured_365d', 'D6.2.5', 0.5, 0.5],
  ['actions_effect_measured_365d', 'D6.5.4', 0.9, 1],
  ['actions_improved_365d', 'D6.2.6', 0.3, 0.5],
  ['actions_improved_365d', 'D6.5.4', 0.05, 0],
  ['you_said_we_did_365d', 'D5.1.5', 0.35, 0.5],
  ['you_said_we_did_365d', 'D5.1.5', 0.7, 1],
  ['rising_issues_acted_on_90d', 'D5.5.5', 0.8, 1],
  ['unit_tagged_share_30d', 'D6.1.8', 0.5, 0.5],
  ['retention_measured_customers_365d', 'D5.3.2', 49, 0],
  ['retention_measured_customers_365d', 'D5.3.2', 120, 0.5],
  ['retention_measured_customers_365d', 'D5.3.2', 200, 1],
  ['advocacy_retention_linked_365d', 'D5.3.3', 30, 0.5],
  ['advocacy_retention_linked_365d', 'D5.3.3', 150, 1],
  ['loyalty_value_computed_365d', 'D5.3.4', 0, 0],
  ['loyalty_value_computed_365d', 'D5.3.4', 250, 1],
  ['clv_model_validated_365d', 'D5.4.2', 0, 0],
  ['clv_model_validated_365d', 'D5.4.2', 0.5, 0.5],
  ['clv_model_validated_365d', 'D5.4.2', 1, 1],
  ['high_value_channels_known_365d', 'D5.4.3', 2, 1],
  ['repeat_buyers_measured_365d', 'D5.4.5', 30, 0.5],
  ['segments_with_spend_365d', 'D5.4.6', 1, 0.5],
  ['segments_with_spend_365d', 'D5.4.6', 3, 1],
  ['significant_loyalty_drivers_365d', 'D6.1.2', 0, 0],
  ['significant_loyalty_drivers_365d', 'D6.1.2', 1, 1],
  ['loyalty_links_tested_365d', 'D6.1.4', 1, 0.5],
  ['loyalty_links_tested_365d', 'D6.1.4', 5, 1],
];

describe('metric mappings', () => {
  it('has a hand-checked example for every metric in the catalogue', () => {
    expect(new Set(examples.map(([metric]) => metric))).toEqual(new Set(metricCatalogue.map((m) => m.id)));
  });

  it.each(examples)('%s on %s: %d → %d', (metric, indicatorId, value, expected) => {
    const indicator = findIndicator(indicatorId)!;
    const score = scoreIndicator(indicator, indexEvidence({ metrics: [observe(metric, value)] }));
    expect(score.status).toBe('measured');
    expect(score.attainment).toBeCloseTo(expected, 9);
    expect(score.evidence).toEqual([
      expect.objectContaining({ source: 'metric', metric, value, sampleSize: 100 }),
    ]);
  });

  const rules = allIndicators.flatMap((indicator) =>
    indicator.evidence.metrics.map((rule) => ({ indicatorId: indicator.id, ...rule })),
  );

  it.each(rules)('$indicatorId reads $metric from 0 to 1, never falling as the value improves', (rule) => {
    const definition = metricCatalogue.find((metric) => metric.id === rule.metric)!;
    const top = definition.unit === 'share' ? 1 : definition.unit === 'count' ? 200 : 5000;
    const values = Array.from({ length: 201 }, (_, i) => (top * i) / 200);
    const ordered = higherIsBetter(rule.mapping) ? values : [...values].reverse();
    const attainments = ordered.map((value) => attainmentOf(rule.mapping, value));
    expect(attainments[0]).toBe(0);
    expect(attainments.at(-1)).toBe(1);
    attainments.forEach((attainment, i) => {
      expect(attainment).toBeGreaterThanOrEqual(0);
      expect(attainment).toBeLessThanOrEqual(1);
      if (i > 0) expect(attainment).toBeGreaterThanOrEqual(attainments[i - 1]!);
    });
  });
});
