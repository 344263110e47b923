import { describe, expect, it } from 'vitest';
import { topicOwners } from './journey-owners.js';

describe('topicOwners', () => {
  it('takes a topic’s own owner first, else its touchpoint’s, and leaves unowned topics out', () => {
    const owners = topicOwners({
      touchpoints: [
        { key: 'delivery', name: 'Delivery', ownerTeamId: 'logistics', eventValues: [], sourceIds: [] },
        { key: 'order', name: 'Order', ownerTeamId: null, eventValues: [], sourceIds: [] },
      ],
      topics: [
        { topic: 'billing', touchpointKey: 'order', ownerTeamId: 'care' },
        { topic: 'delivery_delay', touchpointKey: 'delivery', ownerTeamId: null },
        { topic: 'refund', touchpointKey: 'order', ownerTeamId: null },
        { topic: 'price_value', touchpointKey: null, ownerTeamId: null },
      ],
    });
    expect([...owners]).toEqual([
      ['billing', 'care'],
      ['delivery_delay', 'logistics'],
    ]);
  });
});
