import { describe, expect, it } from 'vitest';
import { analyseFeedback } from './analyse.js';
import { borrowFromTemplate, expandCustomTopics } from './topic-expansion.js';
import { type CustomTopic, DEFAULT_TOPICS } from './topics.js';

const topicIds = (text: string, customTopics: readonly CustomTopic[]) =>
  analyseFeedback({ text }, { customTopics }).topics.map((topic) => topic.id);

const delays: CustomTopic = { id: 'late_flight', label: 'Late flight', seedTerms: ['delay'] };
const bags: CustomTopic = { id: 'lost_bags', label: 'Lost bags', seedTerms: ['luggage', 'suitcase'] };
const crew: CustomTopic = { id: 'crew', label: 'Cabin crew', seedTerms: ['crew'] };

describe('expandCustomTopics', () => {
  const feedback = [
    'Two hour flight delay, we sat on the tarmac',
    'Another flight delay, stuck on the tarmac again',
    'The delay meant an hour on the tarmac',
    'Tarmac for 90 minutes, no water',
    'The crew were lovely',
    'Crew friendly, food cold',
    'Food was cold and the coffee weak',
    'Flight was smooth',
    'Flight attendants kind',
    'Flight food fine',
    'Short flight, comfy seats',
  ];

  it('learns words found mostly beside a topic’s seeds and matches them like seeds', () => {
    const [late] = expandCustomTopics([delays, crew], feedback, { template: [] });
    expect(late!.seedTerms).toContain('tarmac');
    expect(topicIds('Stuck on the tarmac for ages', [delays])).not.toContain('late_flight');
    expect(topicIds('Stuck on the tarmac for ages', [late!])).toContain('late_flight');
  });

  it('does not learn words spread over other feedback', () => {
    const [late, cabin] = expandCustomTopics([delays, crew], feedback, { template: [] });
    // "flight" is beside two delays, and in four other texts.
    expect(late!.seedTerms).not.toContain('flight');
    expect(cabin!.seedTerms).not.toContain('flight');
  });
});

describe('borrowFromTemplate', () => {
  it('lends a built-in topic’s terms to the one organisation topic that shares its seeds', () => {
    const [lent] = borrowFromTemplate([bags, delays], DEFAULT_TOPICS, 2);
    expect(lent!.seedTerms).toContain('carousel');
    expect(topicIds('My bag never came off the carousel', [lent!])).toContain('lost_bags');
  });

  it('lends nothing on a tie between organisation topics', () => {
    const twin: CustomTopic = { id: 'bag_claims', label: 'Bag claims', seedTerms: ['luggage', 'suitcase'] };
    const [first, second] = borrowFromTemplate([bags, twin], DEFAULT_TOPICS, 2);
    expect(first!.seedTerms).toEqual(bags.seedTerms);
    expect(second!.seedTerms).toEqual(twin.seedTerms);
  });
});

describe('organisation phrases', () => {
  it('match with their words apart and in another order, within one sentence', () => {
    const missing: CustomTopic[] = [{ id: 'missing_bag', label: 'Missing bag', seedTerms: ['missing bag'] }];
    expect(topicIds('My bag has been missing for a week', missing)).toContain('missing_bag');
    expect(topicIds('The bag arrived. Half the contents were missing.', missing)).not.toContain(
      'missing_bag',
    );
  });

  it('honour exclusions', () => {
    const staff: CustomTopic[] = [
      { id: 'crew', label: 'Crew', seedTerms: ['crew'], excludes: ['crew shortage'] },
    ];
    expect(topicIds('The crew were rude', staff)).toContain('crew');
    expect(topicIds('Delayed by a crew shortage', staff)).not.toContain('crew');
  });
});
