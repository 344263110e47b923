/**
 * The rules of triage as pure functions: which analysed feedback opens a case, its priority, when its SLA
 * clocks run out (optionally counting business hours only) and which status changes are allowed. No I/O,
 * no clock: callers pass `now`.
 */
import { flagCodes } from '@cxloop/contracts';
import type { BusinessHours, CaseSeverity, CaseStatus } from './triage.tables.js';

export const caseSeverities = [
  'low',
  'medium',
  'high',
  'critical',
] as const satisfies readonly CaseSeverity[];
export const caseStatuses = [
  'new',
  'acknowledged',
  'in_progress',
  'resolved',
  'dismissed',
] as const satisfies readonly CaseStatus[];
export const openStatuses: readonly CaseStatus[] = ['new', 'acknowledged', 'in_progress'];

/** The flag codes packages/text raises; an organisation chooses which of them open cases. */
export const caseFlagCodes = flagCodes;

export interface CaseRules {
  caseFlags: readonly string[];
  minSeverity: CaseSeverity;
  /** Feedback from a customer with an open case opened less than this long ago joins that case. */
  repeatWindowHours: number;
  defaultTeamId: string | null;
  businessHours: BusinessHours | null;
  /**
   * Feedback that happened (occurredAt) longer ago than this opens no case and starts no SLA clock: an import
   * of history is counted in rollups and scores, not queued for a reply nobody can still give in time. A
   * source may set its own; an admin opens cases for a past window on purpose (POST /v1/cases/backfill).
   */
  caseHorizonHours: number;
}

/** An organisation that has configured nothing: every flag opens a case; a week of repeat contacts joins it. */
export const defaultCaseRules: CaseRules = {
  caseFlags: caseFlagCodes,
  minSeverity: 'low',
  repeatWindowHours: 24 * 7,
  defaultTeamId: null,
  businessHours: null,
  caseHorizonHours: 72,
};

/**
 * Whether feedback that happened at `occurredAt` is recent enough to open a case at `now`.
 *
 * @example
 * withinCaseHorizon(new Date('2026-09-01'), new Date('2026-12-01'), 72); // false: history
 */
export function withinCaseHorizon(occurredAt: Date, now: Date, horizonHours: number): boolean {
  return now.getTime() - occurredAt.getTime() <= horizonHours * 3_600_000;
}

export interface SlaTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Targets per severity for organisations without their own policy; round-the-clock minutes. */
export const defaultSlaPolicy: Readonly<Record<CaseSeverity, SlaTargets>> = {
  critical: { firstResponseMinutes: 60, resolutionMinutes: 24 * 60 },
  high: { firstResponseMinutes: 4 * 60, resolutionMinutes: 2 * 24 * 60 },
  medium: { firstResponseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60 },
  low: { firstResponseMinutes: 24 * 60, resolutionMinutes: 5 * 24 * 60 },
};

function severityRank(severity: string): number {
  return (caseSeverities as readonly string[]).indexOf(severity);
}

export function maxSeverity(a: CaseSeverity, b: CaseSeverity): CaseSeverity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * The severity a case opens with, or null when the analysis does not open one under the rules: at least
 * one of its flags is a case flag and its severity reaches the minimum.
 *
 * @example
 * caseSeverityFor(defaultCaseRules, 'high', ['churn_threat']); // 'high'
 * caseSeverityFor(defaultCaseRules, 'none', []); // null
 */
export function caseSeverityFor(
  rules: Pick<CaseRules, 'caseFlags' | 'minSeverity'>,
  severity: string,
  flagCodes: readonly string[],
): CaseSeverity | null {
  const rank = severityRank(severity);
  if (rank < 0 || rank < severityRank(rules.minSeverity)) return null;
  return flagCodes.some((code) => rules.caseFlags.includes(code)) ? (severity as CaseSeverity) : null;
}

/** 1 (low) … 4 (critical); each escalation adds one, up to 5. */
export function basePriority(severity: CaseSeverity): number {
  return severityRank(severity) + 1;
}
export const MAX_PRIORITY = 5;

/**
 * Who may move a case where. Reopening a closed case puts it back in progress with its owner.
 * Resolving and dismissing are possible from every open status: a responder who answered a case in one go
 * (or recognised spam) need not walk it through acknowledged and in progress first.
 */
const transitions: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['acknowledged', 'in_progress', 'resolved', 'dismissed'],
  acknowledged: ['in_progress', 'resolved', 'dismissed'],
  in_progress: ['resolved', 'dismissed'],
  resolved: ['in_progress'],
  dismissed: ['in_progress'],
};

export function allowedTransitions(from: CaseStatus): readonly CaseStatus[] {
  return transitions[from];
}

export function isClosed(status: CaseStatus): boolean {
  return status === 'resolved' || status === 'dismissed';
}

/** The audit action a status change is recorded as. */
export function transitionAction(from: CaseStatus, to: CaseStatus): string {
  if (isClosed(from)) return 'reopened';
  return {
    new: 'opened',
    acknowledged: 'acknowledged',
    in_progress: 'started',
    resolved: 'resolved',
    dismissed: 'dismissed',
  }[to];
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** One formatter per time zone: building one costs far more than formatting with it. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = zoneFormat(timeZone).formatToParts(new Date(instant));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a local wall-clock time (given as if it were UTC) happens in `timeZone`; DST-safe. */
function localToInstant(localAsUtc: number, timeZone: string): number {
  let instant = localAsUtc - zoneOffsetMs(localAsUtc, timeZone);
  instant = localAsUtc - zoneOffsetMs(instant, timeZone);
  return instant;
}

function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * When an SLA clock started at `start` with `minutes` to run expires. Without business hours the clock
 * runs round the clock; with them it only runs inside the opening hours of the organisation's time zone.
 *
 * @example
 * slaDueAt(new Date('2026-11-20T16:00:00Z'), 120, { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
 * // Friday 16:00 + 2 business hours → Monday 10:00 UTC
 */
export function slaDueAt(start: Date, minutes: number, hours: BusinessHours | null): Date {
  if (!hours) return new Date(start.getTime() + minutes * MINUTE_MS);
  const open = minutesOfDay(hours.start) * MINUTE_MS;
  const close = minutesOfDay(hours.end) * MINUTE_MS;
  let remaining = minutes * MINUTE_MS;
  let cursor = start.getTime();
  // Walk local days; two years without a single opening hour means the configuration cannot be met.
  for (let day = 0; day < 740; day++) {
    const localNow = cursor + zoneOffsetMs(cursor, hours.timeZone);
    const localMidnight = Math.floor(localNow / DAY_MS) * DAY_MS;
    const isoWeekday = ((new Date(localMidnight).getUTCDay() + 6) % 7) + 1;
    if (hours.days.includes(isoWeekday)) {
      const windowStart = localToInstant(localMidnight + open, hours.timeZone);
      const windowEnd = localToInstant(localMidnight + close, hours.timeZone);
      const from = Math.max(cursor, windowStart);
      if (from < windowEnd) {
        if (remaining <= windowEnd - from) return new Date(from + remaining);
        remaining -= windowEnd - from;
      }
    }
    cursor = localToInstant(localMidnight + DAY_MS, hours.timeZone);
  }
  throw new Error('business hours never open: the SLA cannot be scheduled');
}

export interface CaseDueTimes {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

/**
 * Due times after a repeat contact raised a case's severity at `raisedAt`: the new severity's targets from
 * that moment, never later than the case already had (a critical message is answered within the critical
 * target of its arrival, and raising a case never buys it time).
 */
export function raisedDueTimes(
  current: CaseDueTimes,
  raisedAt: Date,
  targets: SlaTargets,
  hours: BusinessHours | null,
): CaseDueTimes {
  const raised = caseDueTimes(raisedAt, targets, hours);
  const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);
  return {
    firstResponseDueAt: earlier(current.firstResponseDueAt, raised.firstResponseDueAt),
    resolutionDueAt: earlier(current.resolutionDueAt, raised.resolutionDueAt),
  };
}

/** How soon before its current deadline an open case counts as at risk: the filter and the badge use this. */
export const AT_RISK_MINUTES = 60;

export type SlaState = 'breached' | 'at_risk' | 'on_track';

/**
 * The deadline that matters now (first response until one reached the customer, then resolution) and how
 * it stands: past it, within `AT_RISK_MINUTES` of it, or further. The list filter states the same in SQL.
 */
export function slaStateOf(
  item: { firstResponseAt: Date | null; firstResponseDueAt: Date; resolutionDueAt: Date },
  now: Date,
): { dueAt: Date; state: SlaState } {
  const dueAt = item.firstResponseAt ? item.resolutionDueAt : item.firstResponseDueAt;
  const left = dueAt.getTime() - now.getTime();
  const state = left < 0 ? 'breached' : left < AT_RISK_MINUTES * 60_000 ? 'at_risk' : 'on_track';
  return { dueAt, state };
}

export function caseDueTimes(openedAt: Date, targets: SlaTargets, hours: BusinessHours | null): CaseDueTimes {
  return {
    firstResponseDueAt: slaDueAt(openedAt, targets.firstResponseMinutes, hours),
    resolutionDueAt: slaDueAt(openedAt, targets.resolutionMinutes, hours),
  };
}
