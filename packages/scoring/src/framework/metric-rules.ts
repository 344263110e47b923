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

export const firstResponseSpeed: MetricRule = {
  metric: 'median_first_response_hours_30d',
  mapping: atMost([72, 0.2], [24, 0.5], [8, 0.8], [1, 1]),
  reason:
    'A team available when customers need it answers fast: within the hour is best in class, the same ' +
    'working day (8 h) is good, next day is partial, beyond three days the customer has been left alone. ' +
    'Published support benchmarks put best-in-class email replies under an hour and call beyond a day poor.',
  source: 'https://www.helpscout.com/helpu/email-customer-service-whats-an-acceptable-reply-time/',
};

export const responseWithinSla: MetricRule = {
  metric: 'sla_met_rate_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'A team managed on its performance meets the response time it promised; missing half the deadlines ' +
    'shows the promise is not managed, while 95 % is the usual service-level target and allows for genuine ' +
    'exceptions.',
};

export const acknowledgement: MetricRule = {
  metric: 'acknowledgement_rate_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'A customer who raised an issue should see it acknowledged; half is a coin toss, 95 % is a reliable ' +
    'process that still allows for spam and duplicates.',
};

export const firstTimeResolution: MetricRule = {
  metric: 'first_time_resolution_rate_30d',
  mapping: ramp(0.5, 0.8),
  reason:
    'Integrated systems let the team settle an issue the first time. Contact-centre benchmarks put the ' +
    'average first-contact resolution near 70 % and world class at 80 % or more; half the cases bouncing ' +
    'back means the team cannot resolve them.',
  source: 'https://www.sqmgroup.com/call-center-best-practices/',
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
    'Decision makers need an NPS they can trust: at about 100 answers a quarter its 95 % margin of error ' +
    'comes down to roughly ±15 points (it depends on the promoter/detractor mix); fewer answers earn ' +
    'proportionally less.',
  source: 'https://measuringu.com/nps-ci-sample-size/',
};

export const ratingsExplained: MetricRule = {
  metric: 'rated_comment_share_90d',
  mapping: ramp(0.1, 0.6),
  reason:
    'Patterns behind scores are found where ratings come with a topic-tagged comment; 60 % is a strong base ' +
    'for driver analysis, 10 % is anecdote.',
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
    'A consistent improvement process acts on what rises: a case on the topic resolved with a reply to the ' +
    'customer within two weeks. Acting on eight in ten is full marks, since some spikes are noise; clicking ' +
    '"acknowledge" on the alert is not action and earns nothing.',
};

export const flaggedFeedbackOwned: MetricRule = {
  metric: 'flagged_cases_owned_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'Items that must be addressed need a named owner; an unowned case is nobody’s job. A case is judged once ' +
    'its first-response deadline has passed, the time the team gave itself to pick it up. 95 % allows for ' +
    'cases closed as spam before anyone claims them.',
};

export const touchpointsOwned: MetricRule = {
  metric: 'touchpoints_owned_90d',
  mapping: ramp(0.2, 0.9),
  reason:
    'Issues raised at a touchpoint are only dealt with when a team answers for it; nine touchpoints in ten ' +
    'with an owner leaves room for one being re-organised.',
};

export const topicsOwned: MetricRule = {
  metric: 'topics_owned_90d',
  mapping: ramp(0.2, 0.9),
  reason:
    'What customers talk about most needs an owner as much as where they talk: the leading topics cut ' +
    'across touchpoints (delivery, price, staff). Nine in ten owned is full marks.',
};

export const ownersRespond: MetricRule = {
  metric: 'owners_respond_in_time_30d',
  mapping: ramp(0.5, 0.95),
  reason:
    'Owning a touchpoint or topic means answering what customers raise there; the owning team meeting the ' +
    'response time nineteen times in twenty shows it has what it needs, half shows it does not.',
};

export const unitAttribution: MetricRule = {
  metric: 'unit_tagged_share_30d',
  mapping: ramp(0.2, 0.8),
  reason:
    'Results can only be shown per unit and for the enterprise when feedback names its unit; 80 % allows for ' +
    'channels that cannot tell (public reviews).',
};
