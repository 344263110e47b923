import { describe, expect, it } from 'vitest';
import { analyseFeedback } from './analyse.js';
import type { CustomTopic } from './topics.js';

const topicIds = (text: string, customTopics?: CustomTopic[]) =>
  analyseFeedback({ text }, { customTopics }).topics.map((topic) => topic.id);

describe('topics', () => {
  it('finds default taxonomy topics, with inflections through prefixes', () => {
    expect(topicIds('I was refunded after the parcel was delayed')).toEqual(['delivery_delay', 'refund']);
    expect(topicIds('My luggage was lost and the app crashed')).toEqual(['app_website', 'luggage_lost_item']);
  });

  it('ignores excluded senses', () => {
    expect(topicIds("I can't wait to come back")).not.toContain('wait_time');
    expect(topicIds('The app is user friendly')).not.toContain('staff_attitude');
    expect(topicIds('I lost my patience')).not.toContain('luggage_lost_item');
  });

  it('gives each topic the sentiment of the sentences that mention it', () => {
    const { topics } = analyseFeedback({ text: 'The staff were wonderful. The delivery was a disaster.' });
    const staff = topics.find((topic) => topic.id === 'staff_attitude');
    const delivery = topics.find((topic) => topic.id === 'delivery_delay');
    expect(staff?.sentimentLabel).toBe('positive');
    expect(delivery?.sentimentLabel).toBe('negative');
    expect(delivery?.matchedTerms).toEqual(['delivery']);
  });

  it('adds organisation topics from seed terms, matching other inflections', () => {
    const parking: CustomTopic[] = [{ id: 'parking', label: 'Parking', seedTerms: ['parking', 'car park'] }];
    expect(topicIds('We parked miles away', parking)).toContain('parking');
    expect(topicIds('The car parks were full', parking)).toContain('parking');
    expect(topicIds('We parked miles away')).not.toContain('parking');
  });

  it('lets an organisation topic replace a default one with the same id', () => {
    const billing: CustomTopic[] = [{ id: 'billing', label: 'Accounts', seedTerms: ['statement'] }];
    const topics = analyseFeedback({ text: 'The statement was wrong' }, { customTopics: billing }).topics;
    expect(topics).toMatchObject([{ id: 'billing', label: 'Accounts' }]);
    expect(analyseFeedback({ text: 'The bill was wrong' }, { customTopics: billing }).topics).toEqual([]);
  });
});
