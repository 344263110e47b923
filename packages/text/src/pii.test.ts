import { describe, expect, it } from 'vitest';
import { isValidIban, passesLuhn, redactPii } from './pii.js';

describe('redactPii', () => {
  it('redacts emails and phone numbers with spans into the original text', () => {
    const text = 'Email jo.bloggs@example.co.uk or call +44 20 7946 0958 today';
    const result = redactPii(text);
    expect(result.redactedText).toBe('Email [EMAIL] or call [PHONE] today');
    expect(result.spans.map((span) => [span.type, text.slice(span.start, span.end)])).toEqual([
      ['email', 'jo.bloggs@example.co.uk'],
      ['phone', '+44 20 7946 0958'],
    ]);
  });

  it('redacts card numbers only when the Luhn check passes', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(redactPii('Card 4111 1111 1111 1111 please').redactedText).toBe('Card [CARD] please');
    expect(redactPii('Card 4111 1111 1111 1112 please').spans.map((s) => s.type)).not.toContain(
      'payment_card',
    );
  });

  it('redacts IBANs only when the check digits are right', () => {
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('GB83 WEST 1234 5698 7654 32')).toBe(false);
    expect(redactPii('Pay GB82 WEST 1234 5698 7654 32 now').redactedText).toBe('Pay [IBAN] now');
    expect(redactPii('Pay GB83 WEST 1234 5698 7654 32 now').spans.map((s) => s.type)).not.toContain('iban');
  });

  it('redacts street addresses and postcodes, and leaves order numbers alone', () => {
    expect(redactPii('Deliver to 221B Baker Street, London NW1 6XE').redactedText).toBe(
      'Deliver to [ADDRESS], London [POSTCODE]',
    );
    expect(redactPii('Order 45821937 is late').spans).toEqual([]);
  });
});
