import { sql } from 'kysely';
import { recordCaseEvents, systemActor } from './cases.js';
import type { Db } from './connection.js';
import type { CaseSeverity } from './triage.tables.js';
import {
  basePriority,
  type CaseDueTimes,
  caseDueTimes,
  caseSeverityFor,
  maxSeverity,
  openStatuses,
  raisedDueTimes,
  withinCaseHorizon,
} from './triage-rules.js';
import {
  loadSlaPolicy,
  loadSourceCaseHorizons,
  loadTriageSettings,
  type SlaPolicy,
  type TriageSettings,
} from './triage-settings.js';

export interface AnalysedFeedback {
  orgId: string;
  feedbackId: string;
  severity: string;
  urgency: number;
  flagCodes: readonly string[];
  topics: readonly string[];
}

export type CaseOpening = { caseId: string; outcome: 'opened' | 'linked' | 'existing' };

/** An organisation's rules for opening cases: which analyses open one, and the SLA their due times follow. */
export interface CaseOpeningRules {
  settings: TriageSettings;
  policy: SlaPolicy;
  /** Sources with their own case horizon; the others follow `settings.caseHorizonHours`. */
  sourceHorizons: ReadonlyMap<string, number>;
}

/** What a case copies from its feedback. */
export interface CaseFeedbackFacts {
  source_id: string;
  unit_id: string | null;
  channel: string;
  customer_ref: string | null;
  /** When the customer gave the feedback: older than the case horizon, it opens no case. */
  occurred_at: Date;
  /** With the id, the key of the (partitioned) feedback row that cases and links reference. */
  received_at: Date;
}

/** Loaded once per batch by callers that open many cases in one transaction (the analysis worker). */
export async function loadCaseOpeningRules(db: Db, orgId: string): Promise<CaseOpeningRules> {
  return {
    settings: await loadTriageSettings(db, orgId),
    policy: await loadSlaPolicy(db, orgId),
    sourceHorizons: await loadSourceCaseHorizons(db, orgId),
  };
}

/** A case as the batch leaves it: opened now, or an open one of the customer that repeat contacts raise. */
interface CaseInBatch {
  /** Known for a stored case; a new one gets its id when the batch inserts it. */
  id?: string;
  /** This batch inserts it (false for a stored case, or one another transaction opened meanwhile). */
  openedHere: boolean;
  severity: CaseSeverity;
  urgency: number;
  priority: number;
  flagCodes: Set<string>;
  topics: Set<string>;
  repeatContacts: number;
  /** The feedback that gave the case its severity, which the inbox and the case page lead with. */
  lead: { feedbackId: string; receivedAt: Date } | null;
  /** A stored case's due times and whether this batch raised its severity (its deadlines follow). */
  due?: CaseDueTimes;
  severityRaised: boolean;
}

type Planned =
  | { kind: 'none' }
  | { kind: 'existing'; caseId: string }
  | { kind: 'open' | 'link'; target: CaseInBatch; feedback: AnalysedFeedback; severity: CaseSeverity };

/**
 * Opens cases for flagged feedback of one organisation, or links feedback to the open case of the same
 * customer when that case was opened within the repeat window (a repeat contact raises the case's severity,
 * urgency, priority, flags and topics). Feedback whose analysis the rules do not escalate gets null. Run it in
 * the transaction that stores the analyses, so a case exists exactly when its analysis does; the unique
 * feedback id on cases and on case links keeps it to one case per feedback under any redelivery.
 *
 * Set-based: a handful of statements per batch whatever its size (the customers' locks, taken in sorted
 * order; one read of existing links and of the customers' open cases; bulk inserts; one update per case a
 * repeat contact raised). Within the batch, analyses are taken in the order given, so a customer's first
 * flagged feedback opens the case and the later ones link to it, as one at a time would.
 */
export async function openCasesForAnalyses(
  trx: Db,
  orgId: string,
  analyses: readonly AnalysedFeedback[],
  now: Date,
  known: {
    rules?: CaseOpeningRules;
    feedback?: ReadonlyMap<string, CaseFeedbackFacts>;
    /** An admin opening cases for a past window on purpose: the horizon does not apply. */
    ignoreHorizon?: boolean;
  } = {},
): Promise<(CaseOpening | null)[]> {
  if (analyses.some((analysis) => analysis.orgId !== orgId)) {
    throw new Error('every analysis must belong to the organisation its cases are opened for');
  }
  const rules = known.rules ?? (await loadCaseOpeningRules(trx, orgId));
  const { settings, policy } = rules;
  const escalating = analyses.map((analysis) =>
    caseSeverityFor(settings, analysis.severity, analysis.flagCodes),
  );
  const candidates = analyses.filter((_, index) => escalating[index]);
  if (candidates.length === 0) return analyses.map(() => null);
  const facts = await feedbackFacts(trx, orgId, candidates, known.feedback);
  // History (older than the horizon) is counted in rollups and scores but queues nothing for a reply.
  const severities = analyses.map((analysis, index) => {
    const fact = escalating[index] ? facts.get(analysis.feedbackId) : undefined;
    if (!fact) return null;
    const horizon = rules.sourceHorizons.get(fact.source_id) ?? settings.caseHorizonHours;
    return known.ignoreHorizon || withinCaseHorizon(fact.occurred_at, now, horizon)
      ? escalating[index]!
      : null;
  });
  const flagged = analyses.filter((_, index) => severities[index]);
  if (flagged.length === 0) return analyses.map(() => null);

  // Two contacts of one customer analysed at once must not open two cases: serialise per customer. Sorted,
  // so two batches sharing customers take their locks in the same order and cannot deadlock.
  const customers = [...new Set(flagged.flatMap((a) => facts.get(a.feedbackId)?.customer_ref ?? []))].sort();
  if (customers.length > 0) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${orgId} || ':' || customer, 0))
      from unnest(${customers}::text[]) as customer`.execute(trx);
  }
  const linkedAlready = new Map(
    (
      await trx
        .selectFrom('case_feedback')
        .select(['feedback_id', 'case_id'])
        .where('org_id', '=', orgId)
        .where(
          'feedback_id',
          'in',
          flagged.map((analysis) => analysis.feedbackId),
        )
        .execute()
    ).map((row) => [row.feedback_id, row.case_id]),
  );
  const openOfCustomer = await openCasesOf(trx, orgId, customers, settings, now);

  const plans: Planned[] = analyses.map((analysis, index) => {
    const severity = severities[index];
    if (!severity) return { kind: 'none' };
    const existing = linkedAlready.get(analysis.feedbackId);
    if (existing) return { kind: 'existing', caseId: existing };
    const customer = facts.get(analysis.feedbackId)!.customer_ref;
    const open = customer === null ? undefined : openOfCustomer.get(customer);
    if (open) {
      if (maxSeverity(open.severity, severity) !== open.severity) {
        open.severityRaised = true;
        open.lead = {
          feedbackId: analysis.feedbackId,
          receivedAt: facts.get(analysis.feedbackId)!.received_at,
        };
      }
      open.severity = maxSeverity(open.severity, severity);
      open.urgency = Math.max(open.urgency, analysis.urgency);
      open.priority = Math.max(open.priority, basePriority(open.severity));
      for (const code of analysis.flagCodes) open.flagCodes.add(code);
      for (const topic of analysis.topics) open.topics.add(topic);
      open.repeatContacts += 1;
      return { kind: 'link', target: open, feedback: analysis, severity };
    }
    const opened: CaseInBatch = {
      openedHere: true,
      severity,
      urgency: analysis.urgency,
      priority: basePriority(severity),
      flagCodes: new Set(analysis.flagCodes),
      topics: new Set(analysis.topics),
      repeatContacts: 0,
      lead: null,
      severityRaised: false,
    };
    if (customer !== null) openOfCustomer.set(customer, opened);
    return { kind: 'open', target: opened, feedback: analysis, severity };
  });

  await insertOpenedCases(trx, orgId, plans, facts, policy, settings, now);
  await raiseLinkedCases(trx, orgId, plans, rules, now);
  await recordLinksAndEvents(trx, orgId, plans, facts, settings, now);
  return plans.map((plan): CaseOpening | null => {
    if (plan.kind === 'none') return null;
    if (plan.kind === 'existing') return { caseId: plan.caseId, outcome: 'existing' };
    if (plan.kind === 'link') return { caseId: plan.target.id!, outcome: 'linked' };
    // A case another transaction opened for this feedback meanwhile (a redelivery) stands as it is.
    return { caseId: plan.target.id!, outcome: plan.target.openedHere ? 'opened' : 'existing' };
  });
}

/** One feedback: `openCasesForAnalyses` for a batch of one. */
export async function openCaseForAnalysis(
  trx: Db,
  analysis: AnalysedFeedback,
  now: Date,
  known: { rules?: CaseOpeningRules; feedback?: CaseFeedbackFacts; ignoreHorizon?: boolean } = {},
): Promise<CaseOpening | null> {
  const [opening] = await openCasesForAnalyses(trx, analysis.orgId, [analysis], now, {
    ...(known.rules ? { rules: known.rules } : {}),
    ...(known.feedback ? { feedback: new Map([[analysis.feedbackId, known.feedback]]) } : {}),
    ...(known.ignoreHorizon ? { ignoreHorizon: true } : {}),
  });
  return opening ?? null;
}

async function feedbackFacts(
  trx: Db,
  orgId: string,
  flagged: readonly AnalysedFeedback[],
  known: ReadonlyMap<string, CaseFeedbackFacts> | undefined,
): Promise<Map<string, CaseFeedbackFacts>> {
  const facts = new Map<string, CaseFeedbackFacts>();
  const missing: string[] = [];
  for (const { feedbackId } of flagged) {
    const fact = known?.get(feedbackId);
    if (fact) facts.set(feedbackId, fact);
    else missing.push(feedbackId);
  }
  if (missing.length > 0) {
    const rows = await trx
      .selectFrom('feedback')
      .select(['id', 'source_id', 'unit_id', 'channel', 'customer_ref', 'occurred_at', 'received_at'])
      .where('org_id', '=', orgId)
      .where('id', 'in', missing)
      .execute();
    for (const { id, ...fact } of rows) facts.set(id, fact);
  }
  const absent = missing.find((id) => !facts.has(id));
  if (absent) throw new Error(`feedback ${absent} not found`);
  return facts;
}

/** Each customer's most recent case still open and opened within the repeat window, locked for update. */
async function openCasesOf(
  trx: Db,
  orgId: string,
  customers: readonly string[],
  settings: TriageSettings,
  now: Date,
): Promise<Map<string, CaseInBatch>> {
  const open = new Map<string, CaseInBatch>();
  if (customers.length === 0) return open;
  const rows = await trx
    .selectFrom('cases')
    .select([
      'id',
      'customer_ref',
      'severity',
      'urgency',
      'priority',
      'flag_codes',
      'topics',
      'opened_at',
      'first_response_due_at',
      'resolution_due_at',
    ])
    .where('org_id', '=', orgId)
    .where('customer_ref', 'in', customers)
    .where('status', 'in', openStatuses)
    .where('opened_at', '>=', new Date(now.getTime() - settings.repeatWindowHours * 3_600_000))
    .orderBy('opened_at', 'desc')
    .forUpdate()
    .execute();
  for (const row of rows) {
    if (row.customer_ref === null || open.has(row.customer_ref)) continue;
    open.set(row.customer_ref, {
      id: row.id,
      openedHere: false,
      severity: row.severity,
      urgency: row.urgency,
      priority: row.priority,
      flagCodes: new Set(row.flag_codes),
      topics: new Set(row.topics),
      repeatContacts: 0,
      lead: null,
      due: { firstResponseDueAt: row.first_response_due_at, resolutionDueAt: row.resolution_due_at },
      severityRaised: false,
    });
  }
  return open;
}

async function insertOpenedCases(
  trx: Db,
  orgId: string,
  plans: readonly Planned[],
  facts: ReadonlyMap<string, CaseFeedbackFacts>,
  policy: SlaPolicy,
  settings: TriageSettings,
  now: Date,
) {
  const opening = plans.flatMap((plan) => (plan.kind === 'open' ? [plan] : []));
  if (opening.length === 0) return;
  // Opened with the values repeat contacts of the same batch raised them to; the links are counted below.
  const inserted = await trx
    .insertInto('cases')
    .values(
      opening.map(({ target, feedback }) => {
        const fact = facts.get(feedback.feedbackId)!;
        // Due times follow the case's severity, raised by any repeat contact of the same batch.
        const due = caseDueTimes(now, policy[target.severity], settings.businessHours);
        return {
          org_id: orgId,
          feedback_id: feedback.feedbackId,
          feedback_received_at: fact.received_at,
          source_id: fact.source_id,
          unit_id: fact.unit_id,
          channel: fact.channel,
          customer_ref: fact.customer_ref,
          severity: target.severity,
          urgency: target.urgency,
          priority: target.priority,
          flag_codes: [...target.flagCodes],
          topics: [...target.topics],
          repeat_contacts: target.repeatContacts,
          version: 1 + target.repeatContacts,
          dismiss_reason: null,
          team_id: settings.defaultTeamId,
          assignee_id: null,
          lead_feedback_id: target.lead?.feedbackId ?? null,
          lead_feedback_received_at: target.lead?.receivedAt ?? null,
          opened_at: now,
          first_response_due_at: due.firstResponseDueAt,
          resolution_due_at: due.resolutionDueAt,
        };
      }),
    )
    .onConflict((oc) => oc.column('feedback_id').doNothing())
    .returning(['id', 'feedback_id'])
    .execute();
  const ids = new Map(inserted.map((row) => [row.feedback_id, row.id]));
  const raced = opening.filter(({ feedback }) => !ids.has(feedback.feedbackId));
  if (raced.length > 0) {
    // Another transaction opened these meanwhile (a redelivery): theirs stand, and this batch did not open them.
    const rows = await trx
      .selectFrom('cases')
      .select(['id', 'feedback_id'])
      .where('org_id', '=', orgId)
      .where(
        'feedback_id',
        'in',
        raced.map(({ feedback }) => feedback.feedbackId),
      )
      .execute();
    for (const row of rows) ids.set(row.feedback_id, row.id);
    for (const { target } of raced) target.openedHere = false;
  }
  for (const { target, feedback } of opening) target.id = ids.get(feedback.feedbackId)!;
}

/**
 * One update per stored case that repeat contacts of this batch raised. A raised severity brings its
 * deadlines (raisedDueTimes) and makes the raising feedback the one the case leads with.
 */
async function raiseLinkedCases(
  trx: Db,
  orgId: string,
  plans: readonly Planned[],
  rules: CaseOpeningRules,
  now: Date,
) {
  const raised = new Set(
    plans.flatMap((plan) => (plan.kind === 'link' && !plan.target.openedHere ? [plan.target] : [])),
  );
  for (const target of raised) {
    const due =
      target.severityRaised && target.due
        ? raisedDueTimes(target.due, now, rules.policy[target.severity], rules.settings.businessHours)
        : undefined;
    await trx
      .updateTable('cases')
      .set({
        ...(due
          ? { first_response_due_at: due.firstResponseDueAt, resolution_due_at: due.resolutionDueAt }
          : {}),
        ...(target.lead
          ? { lead_feedback_id: target.lead.feedbackId, lead_feedback_received_at: target.lead.receivedAt }
          : {}),
        repeat_contacts: sql`repeat_contacts + ${target.repeatContacts}`,
        severity: target.severity,
        urgency: target.urgency,
        priority: target.priority,
        flag_codes: [...target.flagCodes],
        topics: [...target.topics],
        version: sql`version + ${target.repeatContacts}`,
        updated_at: now,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', target.id!)
      .execute();
  }
}

/** The case links of opened and linked feedback and their audit events, each set in one statement. */
async function recordLinksAndEvents(
  trx: Db,
  orgId: string,
  plans: readonly Planned[],
  facts: ReadonlyMap<string, CaseFeedbackFacts>,
  settings: TriageSettings,
  now: Date,
) {
  const links = plans.flatMap((plan) =>
    plan.kind === 'link' || (plan.kind === 'open' && plan.target.openedHere) ? [plan] : [],
  );
  if (links.length === 0) return;
  await trx
    .insertInto('case_feedback')
    .values(
      links.map(({ kind, target, feedback }) => ({
        feedback_id: feedback.feedbackId,
        feedback_received_at: facts.get(feedback.feedbackId)!.received_at,
        case_id: target.id!,
        org_id: orgId,
        relation: kind === 'open' ? ('opened' as const) : ('repeat_contact' as const),
      })),
    )
    .execute();
  await recordCaseEvents(
    trx,
    links.map(({ kind, target, feedback, severity }) => {
      const details = { feedbackId: feedback.feedbackId, severity, flags: feedback.flagCodes };
      return kind === 'open'
        ? {
            caseId: target.id!,
            orgId,
            action: 'opened',
            actor: systemActor,
            toStatus: 'new' as const,
            details: { ...details, teamId: settings.defaultTeamId },
            at: now,
          }
        : {
            caseId: target.id!,
            orgId,
            action: 'repeat_contact_linked',
            actor: systemActor,
            details,
            at: now,
          };
    }),
  );
}
