import { actionEffectsMeasured, customersToldWhatChanged, risingIssuesPlanned } from './action-rules.js';
import { defineDimension } from './define-dimension.js';
import {
  acknowledgement,
  closedLoop,
  continuousCapture,
  experienceRatingsTracked,
  identifiedFeedback,
  loyaltySignalsLinked,
  loyaltySignalsPresent,
  multichannelFeedback,
  npsVolume,
  ratingsExplained,
  retentionObserved,
  risingIssuesActedOn,
  touchpointCoverage,
} from './metric-rules.js';
import {
  advocacyLinkedToRetention,
  highValueChannelsKnown,
  lifetimeValuePredicted,
  loyaltyValueComputed,
  purchaseCycleMeasured,
  retentionMeasured,
  spendPerSegmentMeasured,
} from './outcome-rules.js';

/**
 * D5 Discover: how the experience is measured. Scored automatically: pipeline metrics where the data can show
 * the practice, the staff survey for the rest.
 */
export const discover = defineDimension({
  id: 'D5',
  name: 'Discover',
  group: 'performance',
  question: 'How will we measure it?',
  points: 250,
  elements: [
    {
      id: 'D5.1',
      name: 'Voice of Customer (VoC)',
      objective:
        "Customers' needs, expectations and emotions are captured from many sources and turned into " +
        'improvements.',
      points: 50,
      indicators: [
        'a named owner designs and runs our voice-of-customer methods and recommends actions',
        'a cross-functional team puts voice-of-customer insight to use',
        {
          statement: 'feedback covers every touchpoint, so the view is complete',
          metrics: [touchpointCoverage],
        },
        {
          statement: 'technology captures customer feedback continuously and reports on it automatically',
          metrics: [continuousCapture],
        },
        {
          statement: 'customers are thanked or recognised for the time they give to feedback',
          metrics: [customersToldWhatChanged],
        },
      ],
    },
    {
      id: 'D5.2',
      name: 'Feedback Channels',
      objective: 'Open, two-way feedback channels engage customers immediately and proactively.',
      points: 50,
      indicators: [
        {
          statement: 'customers can give feedback and engage with us through several channels',
          metrics: [multichannelFeedback],
        },
        'customers can engage with us in real time',
        'staff who handle feedback have the systems and tools to respond professionally',
        'all feedback is logged in systems that form one integrated feedback database',
        {
          statement: 'customers see their feedback acknowledged and are told what is being done about it',
          metrics: [acknowledgement, closedLoop],
        },
      ],
    },
    {
      id: 'D5.3',
      name: 'Customer Loyalty',
      objective:
        'Loyalty is measured through retention, advocacy and buying behaviour in a form decision makers can act ' +
        'on.',
      points: 50,
      indicators: [
        {
          statement: 'a set method turns survey data into loyalty measures decision makers can use',
          metrics: [loyaltySignalsPresent, npsVolume],
        },
        {
          statement: 'retention is measured as a key sign that customers will stay and buy again',
          metrics: [retentionObserved, retentionMeasured],
        },
        {
          statement: 'retention measures are linked with advocacy measures',
          metrics: [loyaltySignalsLinked, advocacyLinkedToRetention],
        },
        {
          statement: 'loyalty measures are translated into financial impact',
          metrics: [loyaltyValueComputed],
        },
        {
          statement: 'analysts look for patterns in survey answers that predict how customers will behave',
          metrics: [ratingsExplained],
        },
      ],
    },
    {
      id: 'D5.4',
      name: 'Customer Life Time Value (CLV)',
      objective:
        'We know the actual and potential value of customer segments and use it to keep valuable customers ' +
        'loyal for longer.',
      points: 50,
      indicators: [
        'customer value analysis helps us prioritise market segments',
        {
          statement:
            'lifetime value is analysed diagnostically, historically and predictively to find high-value segments',
          metrics: [lifetimeValuePredicted],
        },
        {
          statement: 'we know which channels our high-value customers prefer',
          metrics: [highValueChannelsKnown],
        },
        'lifetime-value insight steers our marketing strategy and focus',
        {
          statement: "we understand our sector's purchase–repurchase cycle and build loyalty plans around it",
          metrics: [identifiedFeedback, purchaseCycleMeasured],
        },
        {
          statement:
            'we analyse spend and profit per customer and segment, and share of wallet, to plan repeat sales',
          metrics: [spendPerSegmentMeasured],
        },
      ],
    },
    {
      id: 'D5.5',
      name: 'Performance Measures Monitoring',
      objective:
        'Every key process has clear KPIs and customer-benefit measures, monitored to find what helps or hurts ' +
        'the experience.',
      points: 50,
      indicators: [
        'stakeholders help develop and monitor our performance indicators',
        'we know which processes affect the customer experience',
        'modern technology monitors, reports and assesses how we perform',
        {
          statement: 'leading systems monitor and analyse how the experience is delivered',
          metrics: [experienceRatingsTracked],
        },
        {
          statement: 'monitoring results feed back into aligning, developing and improving our CX processes',
          metrics: [risingIssuesActedOn, risingIssuesPlanned, actionEffectsMeasured],
        },
      ],
    },
  ],
});
