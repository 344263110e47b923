import {
  actionEffectsMeasured,
  actionOwnersNamed,
  actionsImproved,
  highPriorityPlanned,
  risingIssuesPlanned,
} from './action-rules.js';
import { defineDimension } from './define-dimension.js';
import {
  continuousCapture,
  crossChannelIdentity,
  identifiedFeedback,
  ownersRespond,
  risingIssuesActedOn,
  topicConvergence,
  topicsOwned,
  touchpointCoverage,
  touchpointsOwned,
  unitAttribution,
} from './metric-rules.js';
import { feedbackLinkedToOutcomes, outcomesAnalysedWithFeedback } from './outcome-rules.js';

/**
 * D6 Devise: which improvements and innovations the findings call for. Scored automatically like Discover.
 */
export const devise = defineDimension({
  id: 'D6',
  name: 'Devise',
  group: 'performance',
  question: 'What must we improve or invent?',
  points: 250,
  elements: [
    {
      id: 'D6.1',
      name: 'Integrated Reporting & Analysis',
      objective:
        'All measurement insight is reported and analysed in one regularly updated place that shows how to ' +
        'improve each experience.',
      points: 50,
      indicators: [
        {
          statement: 'we find the findings that converge across feedback sources and affect business results',
          metrics: [topicConvergence],
        },
        {
          statement: 'a formal statistical method links customer feedback to operations and business results',
          metrics: [feedbackLinkedToOutcomes],
        },
        'one framework organises and analyses both structured and unstructured data',
        {
          statement: 'internal operational measures are analysed together with customer experience measures',
          metrics: [outcomesAnalysedWithFeedback],
        },
        {
          statement: 'a set process turns findings into experience action plans',
          metrics: [risingIssuesActedOn, risingIssuesPlanned],
        },
        'real-time analytics and dashboards show sentiment, trends and rising issues as they happen',
        'a dashboard tracks experience performance and customer engagement across the organisation',
        {
          statement:
            'regular, clear dashboards show converging and diverging results per unit and enterprise-wide',
          metrics: [unitAttribution, topicConvergence],
        },
      ],
    },
    {
      id: 'D6.2',
      name: 'Customer Experience Continuous Improvement',
      objective:
        'Action owners have the insight and support to plan, test and deliver continuous improvement.',
      points: 50,
      indicators: [
        {
          statement: 'a consistent process drives improvement and helps teams see what to do and why',
          metrics: [risingIssuesPlanned],
        },
        {
          statement: 'named people or functions own the issues customers raise at each touchpoint',
          metrics: [touchpointsOwned, topicsOwned, actionOwnersNamed],
        },
        {
          statement:
            'owners have tools to explore, understand and answer the full range of customer comments',
          metrics: [ownersRespond],
        },
        {
          statement:
            'the improvement opportunities that matter most are singled out as high-priority action items',
          metrics: [highPriorityPlanned],
        },
        {
          statement: 'improvement ideas are planned and tested',
          metrics: [actionEffectsMeasured],
        },
        {
          statement: 'new ideas are incubated and tested up to proof of concept',
          metrics: [actionEffectsMeasured, actionsImproved],
        },
      ],
    },
    {
      id: 'D6.3',
      name: 'Multichannel Presence and Orchestration',
      objective: 'Customer insight personalises touchpoints and orchestrates channels around each customer.',
      points: 50,
      indicators: [
        'messages are shaped by the content customers want and the medium they prefer',
        {
          statement: 'customer interactions are connected across all channels',
          metrics: [crossChannelIdentity],
        },
        {
          statement: 'one unified profile lets customers move between channels without starting over',
          metrics: [identifiedFeedback],
        },
        "product and service information adapts to the customer's device",
        'search results are personalised to known segment needs and trends',
        'recommendations, comparisons and knowledge tools help customers choose well',
      ],
    },
    {
      id: 'D6.4',
      name: 'Technology & Innovative Solutions',
      objective:
        'We show commitment to customers by adopting new and emerging technology for their experience.',
      points: 50,
      indicators: [
        'innovative technology serves customer needs and emotions early in designing an experience',
        {
          statement: 'new technology supports journey mapping and blueprinting',
          metrics: [touchpointCoverage],
        },
        'suitable technology delivers and manages multi-channel experiences',
        {
          statement: 'leading technology monitors customer experiences across the enterprise',
          metrics: [continuousCapture],
        },
        'leading technology captures, analyses and monitors customer experiences',
      ],
    },
    {
      id: 'D6.5',
      name: 'Channel Features',
      objective:
        'Channel features keep evolving with customers and technology, without waiting for periodic reviews.',
      points: 50,
      indicators: [
        'channel infrastructure is updated as customer needs change',
        'new technology is assessed and digital channels regularly gain new features',
        'new features are announced to everyone concerned through the right channels',
        {
          statement: 'the effect of each enhancement is measured against its goal',
          metrics: [actionEffectsMeasured, actionsImproved],
        },
      ],
    },
  ],
});
