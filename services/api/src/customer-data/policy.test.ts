import { describe, expect, it } from 'vitest';
import { customerDataPolicy, REDACTED_VALUE } from './policy.js';

const pseudonyms = { pseudonym: (scope: string, value: string) => `p_${scope}_${value.length}` };

describe('customerDataPolicy', () => {
  it.each(['manager', 'assessor', 'auditor', ''])(
    'gives %j, not a listed role, the redacted view',
    (role) => {
      const policy = customerDataPolicy(role, 'org', pseudonyms);
      expect(policy.access).toBe('redacted');
      expect(policy.searchScope).toBe('redacted');
      expect(policy.reference('+44 7700 900123')).toBe('p_org_15');
      expect(policy.freeText('Called Priya back')).toBe(REDACTED_VALUE);
      expect(policy.feedbackText('mail jo@example.com', 'mail [EMAIL]')).toEqual({
        text: 'mail [EMAIL]',
        redacted: true,
      });
    },
  );

  it('keeps the shape of metadata but none of its values or personal keys', () => {
    const policy = customerDataPolicy('manager', 'org', pseudonyms);
    expect(
      policy.metadata({
        contact: { name: 'Priya Raman', phone: 447700900123, tags: ['vip', 3] },
        'jo@example.com': 'x',
        '07700 900123': 1,
        consent: true,
        note: null,
      }),
    ).toEqual({
      contact: { name: REDACTED_VALUE, phone: REDACTED_VALUE, tags: [REDACTED_VALUE, REDACTED_VALUE] },
      consent: true,
      note: null,
    });
  });

  it.each(['admin', 'responder'])('shows %s customer data as sent', (role) => {
    const policy = customerDataPolicy(role, 'org', pseudonyms);
    expect(policy.reference('+44 7700 900123')).toBe('+44 7700 900123');
    expect(policy.metadata({ name: 'Priya' })).toEqual({ name: 'Priya' });
    expect(policy.feedbackText('mail jo@example.com', 'mail [EMAIL]').text).toBe('mail jo@example.com');
  });
});
