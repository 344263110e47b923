import { defineDimension } from './define-dimension.js';
import {
  acknowledgement,
  closedLoop,
  firstResponseSpeed,
  firstTimeResolution,
  flaggedFeedbackOwned,
  responseWithinSla,
} from './metric-rules.js';

/**
 * D4 Deploy: how the developed experiences are put into service. D4.2 (the response team) is also scored from
 * the team's own work in triage: response times, ownership, closed loop and first-time resolution.
 */
export const deploy = defineDimension({
  id: 'D4',
  name: 'Deploy',
  group: 'performance',
  question: 'How will we put them into service?',
  points: 100,
  elements: [
    {
      id: 'D4.1',
      name: 'Deployment of the Developed Experiences',
      objective:
        'The developed experience is deployed through a programme that brings processes, people, systems and ' +
        'technology together.',
      points: 50,
      indicators: [
        'systems, frameworks, infrastructure and people work together to deliver the experience strategy',
        'the multi-channel strategy is deployed as a whole, not channel by channel',
        'the back-office processes that complete the experience are in place',
        'systems and experience infrastructure are integrated',
        'partners are committed and HR systems enable every group of staff to deliver the experience',
        'marketing and communications work in step with the engagement strategy and value proposition',
      ],
    },
    {
      id: 'D4.2',
      name: 'Customer Experience Monitoring & Response Team',
      objective:
        'A response team monitors experience and feedback in every channel and resolves issues at first ' +
        'contact.',
      points: 50,
      indicators: [
        'systems and tools show whether the deployed experience meets or beats expectations',
        {
          statement: 'performance metrics are used to manage and improve the response team',
          metrics: [responseWithinSla, flaggedFeedbackOwned],
        },
        {
          statement: "the response team's availability is planned around when customers need it",
          metrics: [firstResponseSpeed],
        },
        {
          statement: 'the response team has integrated systems to resolve issues at first contact',
          metrics: [firstTimeResolution],
        },
        {
          statement: 'customers have an open channel to reach the response team',
          metrics: [acknowledgement, closedLoop],
        },
        "the response team's skills are developed",
        'what the response team hears is linked to voice-of-customer metrics to drive improvement',
      ],
    },
  ],
});
