import type { IndicatorId } from './model.js';

/** One question of the tools-and-processes pulse and the framework indicators its answers inform. */
export interface PulseQuestion {
  readonly id: string;
  /** Phrased for staff answering about their own work, on the same 1–5 agreement scale. */
  readonly question: string;
  readonly informs: readonly IndicatorId[];
}

/**
 * A seven-question staff pulse on customer-centred tools and processes (after seeds/000), each question mapped
 * to the indicators it is evidence for. A short pulse can be run more often than the full per-indicator survey;
 * its answers feed the mapped indicators' survey evidence.
 */
export const toolsAndProcessesPulse: readonly PulseQuestion[] = [
  {
    id: 'continuous_multichannel_capture',
    question: 'We capture customer opinions and feedback continuously, through several channels.',
    informs: ['D5.1.4', 'D5.2.1', 'D6.4.4'],
  },
  {
    id: 'satisfaction_along_journey',
    question: 'We track customer satisfaction at every interaction along the customer journey.',
    informs: ['D5.1.3', 'D5.5.4', 'D2.8.4'],
  },
  {
    id: 'feedback_analysed_for_improvement',
    question: 'We analyse customer feedback in depth to find ways to improve our service.',
    informs: ['D6.1.1', 'D6.1.3', 'D6.2.1', 'D1.5.2'],
  },
  {
    id: 'tools_to_respond',
    question: 'I have the tools I need to meet customer expectations and answer requests well.',
    informs: ['D5.2.3', 'D4.2.4', 'D6.2.3'],
  },
  {
    id: 'feedback_measures_team',
    question: "Customer feedback metrics are used to measure my team's performance.",
    informs: ['D4.2.2', 'D4.2.7', 'D3.1.6'],
  },
  {
    id: 'satisfaction_in_incentives',
    question: 'Customer satisfaction counts for a lot in how we are rewarded.',
    informs: ['D3.4.3', 'D3.4.5'],
  },
  {
    id: 'complete_customer_view',
    question: 'Our IT systems give us a complete view of each customer, so the experience is consistent.',
    informs: ['D6.3.2', 'D6.3.3', 'D3.3.5', 'D3.2.2'],
  },
];
