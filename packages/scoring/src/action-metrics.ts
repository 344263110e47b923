import type { MetricDefinition } from './metrics.js';

/**
 * Metrics read from the organisation's improvement actions (issue 22): whether what rises gets a planned
 * action with an owner, whether high-priority items are planned promptly, and whether finished actions have
 * their effect measured (before/after and difference in differences over the rollups) and improved what
 * they aimed at. For a unit: the actions scoped to that unit and its rising issues.
 */
export const actionMetrics = {
  rising_issues_planned_90d: {
    name: 'Rising issues with a planned action',
    unit: 'share',
    windowDays: 90,
    description:
      'Of the rising issues detected in the window, the share that got an improvement action created from the ' +
      'issue and moved to planned (or beyond) within 14 days of detection. Acknowledging the alert is not ' +
      'planning and earns nothing; an issue still inside its 14 days without a plan is not yet a miss. ' +
      'Missing when no issue rose.',
    sampleOf: 'rising issues detected in the window',
    halfConfidenceAt: 2,
  },
  actions_owner_named_90d: {
    name: 'Improvement actions with a named owner',
    unit: 'share',
    windowDays: 90,
    description:
      'Of the improvement actions open at any time in the window, the share owned by a named person, or by a ' +
      'team with at least one member: a team nobody belongs to is an owner in name only. Missing when no ' +
      'action was open.',
    sampleOf: 'improvement actions open in the window',
    halfConfidenceAt: 3,
  },
  high_priority_actions_planned_90d: {
    name: 'High-priority actions planned within two weeks',
    unit: 'share',
    windowDays: 90,
    description:
      'Of the high-priority improvement actions created in the window, the share moved to planned (or beyond) ' +
      'within 14 days of creation; those younger than 14 days and not yet planned are left out. Missing when ' +
      'there is none.',
    sampleOf: 'high-priority actions created in the window',
    halfConfidenceAt: 3,
  },
  actions_effect_measured_365d: {
    name: 'Finished actions with a measured effect',
    unit: 'share',
    windowDays: 365,
    description:
      'Of the improvement actions done in the window whose after window is over, the share whose effect on ' +
      'the target metric could be measured from the feedback (enough answers before and after to give a ' +
      'verdict: improved, no detectable change, or worse). Missing when no finished action is due a measurement.',
    sampleOf: 'finished actions whose after window is over',
    halfConfidenceAt: 3,
  },
  actions_improved_365d: {
    name: 'Measured actions that improved their metric',
    unit: 'share',
    windowDays: 365,
    description:
      'Of the finished improvement actions with a measured effect in the window, the share whose verdict is ' +
      '"improved": the interval of the difference in differences (or of the before/after change without a ' +
      'comparison group) lies wholly on the better side of zero. Missing when no effect is measured.',
    sampleOf: 'finished actions with a measured effect',
    halfConfidenceAt: 3,
  },
  you_said_we_did_365d: {
    name: 'Finished actions told to the customers who asked',
    unit: 'share',
    windowDays: 365,
    description:
      'Of the improvement actions done in the window, the share whose owner told the customers behind the ' +
      'feedback in its scope what changed ("you said, we did"), with at least one notice delivered through ' +
      'the source the customer wrote from. Customers who opted out of contact are never told. Missing when no ' +
      'action was done.',
    sampleOf: 'improvement actions done in the window',
    halfConfidenceAt: 3,
  },
} as const satisfies Record<string, Omit<MetricDefinition, 'id'>>;
