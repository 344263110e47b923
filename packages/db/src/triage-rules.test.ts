import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  caseSeverityFor,
  defaultCaseRules,
  slaDueAt,
  transitionAction,
} from './triage-rules.js';

const weekdays = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('caseSeverityFor', () => {
  it('opens a case for a case flag at or above the minimum severity', () => {
    expect(caseSeverityFor(defaultCaseRules, 'high', ['churn_threat'])).toBe('high');
    expect(caseSeverityFor(defaultCaseRules, 'none', [])).toBeNull();
    const strict = { caseFlags: ['safety'], minSeverity: 'high' as const };
    expect(caseSeverityFor(strict, 'medium', ['safety'])).toBeNull();
    expect(caseSeverityFor(strict, 'critical', ['churn_threat'])).toBeNull();
    expect(caseSeverityFor(strict, 'critical', ['safety', 'churn_threat'])).toBe('critical');
  });
});

describe('slaDueAt', () => {
  it('runs round the clock without business hours', () => {
    expect(slaDueAt(new Date('2026-11-20T16:00:00Z'), 90, null).toISOString()).toBe(
      '2026-11-20T17:30:00.000Z',
    );
  });

  it('only counts opening hours: Friday 16:00 + 2 h is Monday 10:00', () => {
    expect(slaDueAt(new Date('2026-11-20T16:00:00Z'), 120, weekdays).toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
  });

  it('starts the clock at opening time for feedback that arrives at night', () => {
    expect(slaDueAt(new Date('2026-11-24T22:00:00Z'), 60, weekdays).toISOString()).toBe(
      '2026-11-25T10:00:00.000Z',
    );
  });

  it('follows the local clock of the time zone across a daylight-saving change', () => {
    const london = { ...weekdays, timeZone: 'Europe/London' };
    // Friday 24 Oct 2025 16:00 BST (15:00 UTC) + 2 h: one hour on Friday, one on Monday 27 Oct from 09:00 GMT.
    expect(slaDueAt(new Date('2025-10-24T15:00:00Z'), 120, london).toISOString()).toBe(
      '2025-10-27T10:00:00.000Z',
    );
  });

  it('refuses hours that never open', () => {
    expect(() => slaDueAt(new Date(), 60, { ...weekdays, days: [] })).toThrow(/never open/);
  });
});

describe('workflow', () => {
  it('allows the documented moves only', () => {
    expect(allowedTransitions('new')).toEqual(['acknowledged', 'dismissed']);
    expect(allowedTransitions('in_progress')).toEqual(['resolved', 'dismissed']);
    expect(allowedTransitions('resolved')).toEqual(['in_progress']);
    expect(transitionAction('resolved', 'in_progress')).toBe('reopened');
    expect(transitionAction('acknowledged', 'in_progress')).toBe('started');
  });
});
