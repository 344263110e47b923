import { ramp } from '../attainment.js';
import type { MetricRule } from '../model.js';

/** The rules of the metrics read from improvement actions (action-metrics.ts), named after what they show. */

export const risingIssuesPlanned: MetricRule = {
  metric: 'rising_issues_planned_90d',
  mapping: ramp(0, 0.8),
  reason:
    'A consistent improvement process turns what rises into a planned action with an owner, dates and a ' +
    'target, within two weeks. Eight in ten is full marks, since some spikes are noise not worth a plan; an ' +
    'acknowledged alert with no plan behind it earns nothing.',
};

export const actionOwnersNamed: MetricRule = {
  metric: 'actions_owner_named_90d',
  mapping: ramp(0.5, 0.95),
  reason:
    'An issue is owned when a person, or a team with people in it, answers for the action on it; an empty ' +
    'team is nobody. Nineteen in twenty allows for a team being re-staffed.',
};

export const highPriorityPlanned: MetricRule = {
  metric: 'high_priority_actions_planned_90d',
  mapping: ramp(0.3, 0.9),
  reason:
    'Singling out high-priority items only matters if they are then planned promptly: nine in ten planned ' +
    'within two weeks shows priorities drive the work; under three in ten, the label changes nothing.',
};

export const actionEffectsMeasured: MetricRule = {
  metric: 'actions_effect_measured_365d',
  mapping: ramp(0.2, 0.8),
  reason:
    'An improvement is tested when its effect on the feedback is measured against its goal. Eight finished ' +
    'actions in ten with a verdict is full marks: a few act on scopes too quiet to measure.',
};

export const actionsImproved: MetricRule = {
  metric: 'actions_improved_365d',
  mapping: ramp(0.1, 0.5),
  reason:
    'Measured enhancements should mostly pay off, but many real changes are too small to detect: ' +
    'experimentation programmes typically see a clear win in a third or fewer of their tests, so half ' +
    'improving is full marks and fewer than one in ten means the effort is not reaching customers.',
};

export const customersToldWhatChanged: MetricRule = {
  metric: 'you_said_we_did_365d',
  mapping: ramp(0.1, 0.6),
  reason:
    'Customers see their time valued when they hear what their feedback changed. Telling them after six ' +
    'finished actions in ten is full marks: some actions fix what nobody identifiable reported.',
};
