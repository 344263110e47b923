import { atLeast, atMost, ramp } from '../attainment.js';
import type { MetricRule } from '../model.js';

/**
 * The metric rules Discover and Devise indicators declare, named after what they show. A rule shared by several
 * indicators lives here once, so its mapping and its reason cannot drift apart.
 */

export const multichannelFeedback: MetricRule = {
  metric: 'active_channels_30d',
  mapping: atLeast([1, 0.2], [2, 0.5], [3, 0.75], [4, 1]),
  reason:
    'One channel is not multichannel; four active channel types cover the usual mix of survey, assisted ' +
    '(chat/helpdesk/call), direct (email/sms) and public (reviews/social) feedback.',
};

export const continuousCapture: MetricRule = {
  metric: 'automated_capture_days_share_30d',
  mapping: ramp(0.3, 0.9),
  reason:
    'Continuous capture means feedback arrives on almost every day; below three days in ten it looks like ' +
    'occasional campaigns. 0.9 leaves room for quiet days in small organisations.',
};

export const touchpointCoverage: MetricRule = {
  metric: 'touchpoint_coverage_90d',
  mapping: ramp(0.2, 0.9),
  reason:
    'A holistic view needs feedback from nearly every touchpoint of the journey; 90 days lets seasonal ' +
    'touchpoints be heard, and 0.9 tolerates one or two that are rarely used.',
};

export const realTimeResponse: MetricRule = {
  metric: 'median_first_response_hours_30d',
  mapping: atMost([72, 0.2], [24, 0.5], [8, 0.8], [1, 1]),
  reason:
    'Real-time engagement is judged by how fast a customer hears back: within the hour is real time, the ' +
    'same working day is good, next day is partial, beyond three days is not engagement.',
};

export const responseWithinSla: MetricRule = {
  metric: 'sla_met_rate_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'Staff who have the tools to respond answer within the promised time; missing half the deadlines shows ' +
    'they do not, while 95 % allows for genuine exceptions.',
};

export const analysisCoverage: MetricRule = {
  metric: 'analysis_coverage_30d',
  mapping: ramp(0.5, 0.98),
  reason:
    'Feedback only joins the integrated picture once it is logged and analysed; anything short of nearly all ' +
    'of it means a backlog or failing analysis.',
};

export const acknowledgement: MetricRule = {
  metric: 'acknowledgement_rate_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'A customer who raised an issue should see it acknowledged; half is a coin toss, 95 % is a reliable ' +
    'process that still allows for spam and duplicates.',
};

export const closedLoop: MetricRule = {
  metric: 'closed_loop_rate_30d',
  mapping: ramp(0.3, 0.9),
  reason:
    'Closing the loop — resolving and telling the customer — is the visible response action. Mature teams ' +
    'close nine in ten flagged cases; fewer than three in ten means the loop is mostly open.',
};

export const loyaltySignalsPresent: MetricRule = {
  metric: 'loyalty_signals_tracked_90d',
  mapping: atLeast([1, 0.5], [2, 1]),
  reason:
    'A loyalty construct needs both advocacy (NPS) and retention (returning customers); one of the two is half ' +
    'of it.',
};

export const retentionObserved: MetricRule = {
  metric: 'returning_customers_90d',
  mapping: atLeast([10, 0.5], [30, 1]),
  reason:
    'Retention is measured when returning customers can be counted; 30 returning customers a quarter make the ' +
    'signal stable, 10 make it visible.',
};

export const loyaltySignalsLinked: MetricRule = {
  metric: 'loyalty_signals_tracked_90d',
  mapping: atLeast([2, 1]),
  reason: 'Retention can only be linked to advocacy when both signals are measured; one alone links nothing.',
};

export const npsVolume: MetricRule = {
  metric: 'nps_responses_90d',
  mapping: ramp(0, 100),
  reason:
    'Decision makers need an NPS they can trust: around 100 answers a quarter bring its margin of error near ' +
    '±10 points; fewer answers earn proportionally less.',
};

export const ratingsExplained: MetricRule = {
  metric: 'rated_comment_share_90d',
  mapping: ramp(0.1, 0.6),
  reason:
    'Patterns behind scores are found where ratings come with a topic-tagged comment; 60 % is a strong base ' +
    'for driver analysis, 10 % is anecdote.',
};

export const customerValueData: MetricRule = {
  metric: 'customer_value_coverage_90d',
  mapping: ramp(0, 0.8),
  reason:
    'Value analysis needs customer value attached to the customers heard; 80 % allows for new or anonymous ' +
    'customers whose value is not yet known.',
};

export const identifiedFeedback: MetricRule = {
  metric: 'identified_feedback_share_90d',
  mapping: ramp(0.1, 0.7),
  reason:
    'A unified profile and a repurchase view both need feedback linked to a known customer; anonymous ' +
    'surveys and public reviews keep the reachable share near 70 %.',
};

export const crossChannelIdentity: MetricRule = {
  metric: 'cross_channel_identity_linkage_90d',
  mapping: ramp(0, 0.75),
  reason:
    'Interactions are connected across channels when each channel identifies the customer; public review ' +
    'sites rarely can, so three channels in four is full marks.',
};

export const experienceRatingsTracked: MetricRule = {
  metric: 'experience_ratings_tracked_30d',
  mapping: atLeast([1, 0.4], [2, 0.8], [3, 1]),
  reason:
    'Monitoring delivery performance needs experience ratings in steady volume; NPS, CSAT and CES each show a ' +
    'different side (relationship, interaction, effort).',
};

export const analysisLatency: MetricRule = {
  metric: 'median_analysis_lag_minutes_30d',
  mapping: ramp(1440, 15),
  reason:
    'Real-time analytics means insight within minutes of a customer speaking; a day of delay is batch ' +
    'reporting, not real time.',
};

export const topicConvergence: MetricRule = {
  metric: 'topic_convergence_30d',
  mapping: ramp(0.1, 0.6),
  reason:
    'Convergent findings are themes heard in more than one channel; when most leading topics show up in ' +
    'several channels the sources are analysed together, not in silos.',
};

export const risingIssuesActedOn: MetricRule = {
  metric: 'rising_issues_acted_on_90d',
  mapping: ramp(0, 0.8),
  reason:
    'A consistent improvement process acts on what rises; acting on eight in ten detected issues within two ' +
    'weeks is full marks, since some spikes are noise.',
};

export const flaggedFeedbackOwned: MetricRule = {
  metric: 'flagged_cases_owned_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'Items that must be addressed need a named owner; an unowned case is nobody’s job. 95 % allows for cases ' +
    'closed as spam before anyone claims them.',
};

export const unitAttribution: MetricRule = {
  metric: 'unit_tagged_share_30d',
  mapping: ramp(0.2, 0.8),
  reason:
    'Results can only be shown per unit and for the enterprise when feedback names its unit; 80 % allows for ' +
    'channels that cannot tell (public reviews).',
};

export const channelsAdded: MetricRule = {
  metric: 'channels_added_180d',
  mapping: atLeast([1, 0.6], [2, 1]),
  reason:
    'Channels that evolve with customers gain new features and new channels; one new channel in six months ' +
    'shows movement, two shows a habit.',
};

export const newChannelEffectMeasured: MetricRule = {
  metric: 'new_channel_effect_measured_180d',
  mapping: ramp(0, 1),
  reason:
    'Every enhancement should have its effect measured; each new channel without enough rated feedback to ' +
    'compare against the baseline lowers the share.',
};
