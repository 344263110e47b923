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

  const found = (text: string, options = {}) =>
    redactPii(text, options).spans.map((span) => [span.type, text.slice(span.start, span.end)]);

  it('finds phone numbers written without separators, read in the organisation region', () => {
    expect(found('3 hours on the tarmac. Call me 2125550143')).toEqual([['phone', '2125550143']]);
    expect(found('Please call me back on 07911123456 today')).toEqual([['phone', '07911123456']]);
    // A Berlin number is a number only for an organisation whose customers dial German numbers.
    expect(found('Please call 030 12345678 by Friday', { defaultRegion: 'DE' })).toEqual([
      ['phone', '030 12345678'],
    ]);
    expect(found('Please call 030 12345678 by Friday', { defaultRegion: 'US' })).toEqual([]);
    // Outside the numbering plan (a drama number), but written in full international form.
    expect(found('From=+447700900123&Body=late')).toEqual([['phone', '+447700900123']]);
  });

  it('leaves percentages, business lines, aircraft and order numbers readable', () => {
    expect(found('The status page says 99.99999999% but it was down.')).toEqual([]);
    expect(found('On hold for an hour on 0345 700 0000, and 0800 123 4567 rang out.')).toEqual([]);
    expect(found('The plane N763AN sat at the gate; G-EUUA was late too.')).toEqual([]);
    expect(found('Order #553-1123456-7788990 never arrived.')).toEqual([]);
  });

  it('labels IP addresses as such, except private ones that identify nobody', () => {
    expect(found('Your server at 203.0.113.45 times out')).toEqual([['ip_address', '203.0.113.45']]);
    expect(found('router 192.168.0.1 unreachable, app version 4.2.1.0')).toEqual([]);
  });

  it('redacts booking and ticket references after their keyword, and the name beside them', () => {
    expect(found('locator: KARAAX, name: Karaa/Alex - still no refund')).toEqual([
      ['booking_reference', 'KARAAX'],
      ['person_name', 'Karaa/Alex'],
    ]);
    expect(found('My e-ticket number is 0162345678901 and the app says it does not exist')).toEqual([
      ['booking_reference', '0162345678901'],
    ]);
    expect(found('My booking reference ABZ8812 shows the wrong dates')).toEqual([
      ['booking_reference', 'ABZ8812'],
    ]);
    expect(found('Passenger name: Alex Karaa, QX7RTP, seat 12C')).toEqual([
      ['person_name', 'Alex Karaa'],
      ['booking_reference', 'QX7RTP'],
    ]);
    expect(found('The booking confirmation email never came')).toEqual([]);
  });

  it('redacts names given as names, not the word "name" in passing', () => {
    expect(found('my name is Priya Raman and I have been a customer for years')).toEqual([
      ['person_name', 'Priya Raman'],
    ]);
    expect(found('Our reservation in the name of Gallagher was lost.')).toEqual([
      ['person_name', 'Gallagher'],
    ]);
    expect(found('My name is on the booking but they had no record.')).toEqual([]);
  });

  it("redacts personal @handles but not the organisation's own", () => {
    expect(found('@AcmeAir ask @mikeyp88 how long he waited', { brandHandles: ['@acmeair'] })).toEqual([
      ['handle', '@mikeyp88'],
    ]);
    expect(found('@AcmeAir thanks for nothing')).toEqual([['handle', '@AcmeAir']]);
  });
});
