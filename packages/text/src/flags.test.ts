import { describe, expect, it } from 'vitest';
import { analyseFeedback } from './analyse.js';

const flagCodes = (text: string, extra: { nps?: number; priorContactCount?: number } = {}) =>
  analyseFeedback({ text, ...extra }).flags.map((flag) => flag.code);

describe('flags', () => {
  it('raises churn threats with evidence, but not when the customer denies them', () => {
    const analysis = analyseFeedback({ text: 'Fix this or I am closing my account.' });
    expect(analysis.flags[0]).toMatchObject({
      code: 'churn_threat',
      evidence: { text: 'closing my account' },
    });
    expect(analysis.flags[0]?.evidence?.start).toBe('Fix this or I am '.length);
    expect(flagCodes("I'm not going to cancel my account, just fix it")).not.toContain('churn_threat');
    expect(flagCodes('How do I switch to the annual plan?')).not.toContain('churn_threat');
  });

  it('raises legal, safety and abuse flags and ignores their everyday senses', () => {
    expect(flagCodes('I will be speaking to my solicitor')).toContain('legal_threat');
    expect(flagCodes("I'm a lawyer and the terms were clear")).not.toContain('legal_threat');
    expect(flagCodes('The charger caught fire')).toContain('safety');
    expect(flagCodes('That burger was fire')).not.toContain('safety');
    expect(flagCodes('The agent swore at me')).toContain('abuse_harassment');
  });

  it('raises repeated contact from the words or from the contact history', () => {
    expect(flagCodes('This is the third time I have called')).toContain('repeated_contact');
    expect(flagCodes('Please fix my bill', { priorContactCount: 3 })).toContain('repeated_contact');
    expect(flagCodes('Please fix my bill', { priorContactCount: 1 })).not.toContain('repeated_contact');
  });

  it('raises very negative and detractor-with-complaint flags', () => {
    expect(flagCodes('Absolutely appalling, the worst service ever, disgusting!')).toContain('very_negative');
    expect(flagCodes('The queue was too long', { nps: 3 })).toContain('nps_detractor_complaint');
    expect(flagCodes('Lovely staff', { nps: 3 })).not.toContain('nps_detractor_complaint');
  });

  it('derives severity and urgency from the worst flag', () => {
    expect(analyseFeedback({ text: 'The heater exploded' }).severity).toBe('critical');
    expect(analyseFeedback({ text: 'I will sue you' }).severity).toBe('high');
    const calm = analyseFeedback({ text: 'Nice shop' });
    expect(calm).toMatchObject({ severity: 'none', urgency: 0 });
    const legal = analyseFeedback({ text: 'I will sue you' }).urgency;
    const safety = analyseFeedback({ text: 'The heater exploded' }).urgency;
    expect(safety).toBeGreaterThan(legal);
  });
});
