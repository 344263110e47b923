import { defineDimension } from './define-dimension.js';

/** D1 Define: what customers expect in experience, happiness and value. */
export const define = defineDimension({
  id: 'D1',
  name: 'Define',
  group: 'alignment',
  question: 'What do customers expect in experience, happiness and value?',
  points: 100,
  elements: [
    {
      id: 'D1.1',
      name: 'Define and Analyse Market Needs & Competitors Offering',
      objective:
        'We know what the market and each of its segments need and what competitors offer, and act on it.',
      points: 20,
      indicators: [
        'we analyse and define what the market needs',
        'our market analysis covers every current and potential segment so we can anticipate its needs',
        "we compare target customers' needs and expectations with what we offer today to find the gaps",
        'we study general market trends to decide what we should develop next',
        "competitors' propositions are a standard part of our market analysis",
        "we keep watching competitors' offers to spot market changes early",
      ],
    },
    {
      id: 'D1.2',
      name: 'Define & Position Organisation against Market Needs',
      objective:
        'We know how customers see our place in the market and how well it fits what the market needs.',
      points: 20,
      indicators: [
        'our strategic objectives are reviewed against the market-needs analysis',
        'we analyse how customers perceive our brand and where we are positioned',
        'we test our unique selling proposition against current competitors',
        'we identify gaps in our positioning against market needs and competitors',
      ],
    },
    {
      id: 'D1.3',
      name: 'Define Customer Needs & Expectations',
      objective:
        'We understand what customers need, value, perceive, expect and feel, well enough to know what ' +
        'delights them at the touchpoints that matter.',
      points: 20,
      indicators: [
        'we analyse both what customers do (behaviour) and what they think and feel (perception)',
        'we study customer psychology: motives, emotions and attitudes',
        'our target groups include every relevant current and potential customer segment',
        'psychology insight defines the range of our customer profiles',
        'psychology insight shows how customers react to our processes when we design a service',
      ],
    },
    {
      id: 'D1.4',
      name: 'Define Customer Loyalty Metrics',
      objective:
        'Our loyalty metrics reveal what drives loyalty and steer our engagement strategy and offers.',
      points: 20,
      indicators: [
        'we analyse loyalty metrics per target segment to see how they move market trends and repurchase',
        'we know what makes customers buy from us and recommend us',
        'we rank the factors that strengthen or weaken loyalty',
        'loyalty is studied with techniques such as conjoint analysis, adaptive choice and interviews',
        "customers' likelihood to buy and to recommend is measured when we design or improve a service",
        'local, regional and international insight informs our view of loyalty and market trends',
      ],
    },
    {
      id: 'D1.5',
      name: 'Define Organisation Performance and Experience Offerings against Customer Needs & Expectations',
      objective: "We know where today's experience stands against what customers need and expect.",
      points: 20,
      indicators: [
        'we regularly review the experience we deliver and offer today',
        'we analyse the history of feedback from every experience channel',
        'we identify where our experience falls short of customer needs, expectations and loyalty drivers',
      ],
    },
  ],
});
