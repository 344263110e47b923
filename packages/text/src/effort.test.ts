import { describe, expect, it } from 'vitest';
import { assessEffort } from './effort.js';

const codes = (text: string) => assessEffort(text, 0, null).signals.map((signal) => signal.code);

describe('assessEffort', () => {
  it('finds effort signals in what the customer wrote', () => {
    expect(codes('I had to call several times')).toContain('repeated_contact');
    expect(codes('I was transferred to another department')).toContain('transferred');
    expect(codes('It took days to get an answer')).toContain('long_wait');
    expect(codes('I had to explain my problem again to each person')).toContain('repeated_explanation');
    expect(codes('The app would not let me change my address')).toContain('self_service_failure');
  });

  it('scores more effort for more signals and less for an easy experience', () => {
    const one = assessEffort('I was transferred', 0, null).score;
    const two = assessEffort('I was transferred and on hold for an hour', 0, null).score;
    expect(two).toBeGreaterThan(one);
    expect(assessEffort('Quick and easy, sorted straight away', 0, null).score).toBe(0);
  });

  it('uses contact history and the CES answer', () => {
    expect(assessEffort('Thanks', 3, null).score).toBeGreaterThan(0);
    expect(assessEffort('Thanks', 0, 1).score).toBe(1);
    expect(assessEffort('Thanks', 0, 7).score).toBe(0);
  });
});
