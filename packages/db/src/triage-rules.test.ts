import { describe, expect, it } from 'vitest';
import {
  AT_RISK_MINUTES,
  allowedTransitions,
  caseSeverityFor,
  defaultCaseRules,
  raisedDueTimes,
  slaDueAt,
  slaStateOf,
  transitionAction,
  withinCaseHorizon,
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
    // Resolving needs no walk through acknowledged and in progress: answered in one go is resolved.
    expect(allowedTransitions('new')).toEqual(['acknowledged', 'in_progress', 'resolved', 'dismissed']);
    expect(allowedTransitions('acknowledged')).toEqual(['in_progress', 'resolved', 'dismissed']);
    expect(allowedTransitions('in_progress')).toEqual(['resolved', 'dismissed']);
    expect(allowedTransitions('resolved')).toEqual(['in_progress']);
    expect(transitionAction('resolved', 'in_progress')).toBe('reopened');
    expect(transitionAction('acknowledged', 'in_progress')).toBe('started');
  });
});

describe('SLA state and the case horizon', () => {
  const at = new Date('2026-12-01T12:00:00Z');
  const minutes = (n: number) => new Date(at.getTime() + n * 60_000);

  it('judges the deadline that matters now against one threshold', () => {
    const answered = {
      firstResponseAt: minutes(-5),
      firstResponseDueAt: minutes(-1),
      resolutionDueAt: minutes(600),
    };
    expect(slaStateOf(answered, at)).toEqual({ dueAt: minutes(600), state: 'on_track' });
    const waiting = {
      firstResponseAt: null,
      firstResponseDueAt: minutes(AT_RISK_MINUTES - 1),
      resolutionDueAt: minutes(600),
    };
    expect(slaStateOf(waiting, at).state).toBe('at_risk');
    expect(slaStateOf({ ...waiting, firstResponseDueAt: minutes(AT_RISK_MINUTES) }, at).state).toBe(
      'on_track',
    );
    expect(slaStateOf({ ...waiting, firstResponseDueAt: minutes(-1) }, at).state).toBe('breached');
  });

  it('raises deadlines to the new severity from the moment of raising, never later than they were', () => {
    const current = { firstResponseDueAt: minutes(60 * 20), resolutionDueAt: minutes(60 * 100) };
    expect(
      raisedDueTimes(current, at, { firstResponseMinutes: 60, resolutionMinutes: 24 * 60 }, null),
    ).toEqual({
      firstResponseDueAt: minutes(60),
      resolutionDueAt: minutes(24 * 60),
    });
    const sooner = { firstResponseDueAt: minutes(10), resolutionDueAt: minutes(20) };
    expect(
      raisedDueTimes(sooner, at, { firstResponseMinutes: 60, resolutionMinutes: 24 * 60 }, null),
    ).toEqual(sooner);
  });

  it('keeps feedback older than the horizon out of the inbox', () => {
    expect(withinCaseHorizon(minutes(-72 * 60), at, 72)).toBe(true);
    expect(withinCaseHorizon(minutes(-72 * 60 - 1), at, 72)).toBe(false);
  });
});
