import { defineDimension } from './define-dimension.js';

/** D2 Design: which experiences can be delivered. */
export const design = defineDimension({
  id: 'D2',
  name: 'Design',
  group: 'alignment',
  question: 'What experiences can we deliver?',
  points: 160,
  elements: [
    {
      id: 'D2.1',
      name: 'Customer Engagement Strategy',
      objective:
        'A research-based engagement strategy gives leaders, staff and stakeholders the customer focus we ' +
        'need and drives our deployment plans.',
      points: 20,
      indicators: [
        'stakeholders take part in developing and aligning our customer engagement strategy',
        'we have a vision statement or clear engagement objectives',
        'the engagement strategy rests on research and insight',
        'the engagement strategy is updated as customer and market needs change',
        'the engagement strategy is turned into time-bound plans with accountable owners',
        "a responsibility matrix sets out leadership's part in improvement",
      ],
    },
    {
      id: 'D2.2',
      name: 'Customer Loyalty and Retention Strategy',
      objective:
        'A loyalty and retention strategy built on our loyalty metrics creates long-term customer ' +
        'relationships and meets operational and financial targets.',
      points: 20,
      indicators: [
        'our retention strategy is written down and draws on all customer insight',
        'loyalty and retention plans are tied to the engagement strategy and its objectives',
        'the loyalty strategy rests on research and insight',
        'the loyalty strategy is revised as customer and market needs change',
        'the loyalty strategy is broken into time-bound plans with accountable owners',
        'we monitor how well the retention strategy is carried out',
      ],
    },
    {
      id: 'D2.3',
      name: 'Marketing Strategy',
      objective:
        'Our marketing and communication strategy, built on market and competitor analysis, promotes the ' +
        'customer value proposition with measurable goals.',
      points: 20,
      indicators: [
        'the marketing strategy is grounded in research and insight',
        'the marketing strategy is documented and built with the stakeholders concerned',
        'every customer-facing marketing function conveys our experience value proposition',
        'the marketing strategy becomes time-bound plans with accountable owners',
        'marketing goals are tied to financial and operational objectives',
        'the marketing strategy is reviewed regularly to check it is working',
        'the marketing strategy covers every channel customers need',
      ],
    },
    {
      id: 'D2.4',
      name: 'Value Proposition',
      objective:
        'Our multi-channel value proposition comes from research and is turned into a delivery framework ' +
        'with performance measures.',
      points: 20,
      indicators: [
        'our value proposition is documented and built on customer insight and research',
        'policies, processes and efficiency targets are aligned to support the value proposition',
        'stakeholders help shape the value proposition',
        'benchmarks inside and outside our sector show how to strengthen the value proposition',
        'delivery criteria (an experience delivery framework) support the value proposition',
      ],
    },
    {
      id: 'D2.5',
      name: 'Service Pricing & Payment Structure',
      objective:
        'Prices cover our costs, fit our market position and reflect the value customers expect, with clear ' +
        'payment and refund terms.',
      points: 20,
      indicators: [
        'prices are set using research on what customers expect and aspire to',
        'pricing is consistent with the value proposition',
        "payment methods suit customers' needs",
        'pricing information is honest and transparent',
        'paying and getting a refund is simple and meets customer expectations',
        'current prices are communicated clearly and easy to find in every channel',
      ],
    },
    {
      id: 'D2.6',
      name: 'Customer Journey Mapping',
      objective:
        'Every customer journey is mapped and tied to the systems and processes behind it, as the blueprint ' +
        'delivery is tested against.',
      points: 20,
      indicators: [
        'journey maps for every channel match customer research and our value proposition',
        'journey maps are documented for every experience and interaction in every channel',
        'journey maps show each stage, from the whole journey down to single moments',
        'journey maps carry an emotional curve',
        'journey maps are linked to the front- and back-office processes that deliver the experience',
        'systems record, track and visualise journey maps and how they perform',
        'journey maps show how channels are orchestrated together',
      ],
    },
    {
      id: 'D2.7',
      name: 'Design of Customer Interactions',
      objective: 'Interactions within and across channels are linked so the whole experience is designed.',
      points: 20,
      indicators: [
        'we design the interactions along each customer journey',
        'interactions follow what customer research, needs and analytics tell us',
        "links within and between channels improve the customer's experience",
        'interactions follow the customer journey and delivery hypothesis we defined',
      ],
    },
    {
      id: 'D2.8',
      name: 'Emotional Weight of Customer Experiences (Happiness Value Moments)',
      objective: 'Touchpoints are weighed by their emotional impact so those that matter most come first.',
      points: 20,
      indicators: [
        'we know which sub-processes, touchpoints and interactions matter most to customers',
        'emotional value rests on research and is drawn on an emotional graph linked to journey maps',
        'the emotional graph shows value moments and pain points, ranked by importance',
        'this link is used to analyse how the priority touchpoints perform',
      ],
    },
  ],
});
