import type { Db } from './connection.js';
import type { CaseSeverity } from './triage.tables.js';
import {
  type CaseRules,
  caseSeverities,
  defaultCaseRules,
  defaultSlaPolicy,
  type SlaTargets,
} from './triage-rules.js';

export interface TriageSettings extends CaseRules {
  escalationUrl: string | null;
  /** Whether an escalation signing secret is stored; the secret itself is never read back out. */
  hasEscalationSecret: boolean;
}

/** An organisation's case rules, or the defaults when it has configured none. */
export async function loadTriageSettings(db: Db, orgId: string): Promise<TriageSettings> {
  const row = await db
    .selectFrom('triage_settings')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) return { ...defaultCaseRules, escalationUrl: null, hasEscalationSecret: false };
  return {
    caseFlags: row.case_flags,
    minSeverity: row.min_severity,
    repeatWindowHours: row.repeat_window_hours,
    defaultTeamId: row.default_team_id,
    businessHours: row.business_hours,
    caseHorizonHours: row.case_horizon_hours,
    escalationUrl: row.escalation_url,
    hasEscalationSecret: row.escalation_secret_ciphertext !== null,
  };
}

export interface TriageSettingsUpdate extends CaseRules {
  escalationUrl: string | null;
  /** A newly sealed escalation secret; undefined keeps the stored one. */
  escalationSecretCiphertext?: string | null;
}

export async function saveTriageSettings(
  db: Db,
  orgId: string,
  settings: TriageSettingsUpdate,
): Promise<void> {
  const values = {
    case_flags: [...settings.caseFlags],
    min_severity: settings.minSeverity,
    repeat_window_hours: settings.repeatWindowHours,
    default_team_id: settings.defaultTeamId,
    escalation_url: settings.escalationUrl,
    business_hours: settings.businessHours ? JSON.stringify(settings.businessHours) : null,
    case_horizon_hours: settings.caseHorizonHours,
    ...(settings.escalationSecretCiphertext !== undefined
      ? { escalation_secret_ciphertext: settings.escalationSecretCiphertext }
      : {}),
  };
  await db
    .insertInto('triage_settings')
    .values({ org_id: orgId, escalation_secret_ciphertext: null, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/** Where escalation notices of an organisation go, with the sealed secret they are signed with. */
export async function findEscalationTarget(db: Db, orgId: string) {
  const row = await db
    .selectFrom('triage_settings')
    .select(['escalation_url', 'escalation_secret_ciphertext'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row?.escalation_url && row.escalation_secret_ciphertext
    ? { url: row.escalation_url, secretCiphertext: row.escalation_secret_ciphertext }
    : undefined;
}

export type SlaPolicy = Record<CaseSeverity, SlaTargets>;

/** SLA targets per severity: the organisation's own where set, the defaults elsewhere. */
export async function loadSlaPolicy(db: Db, orgId: string): Promise<SlaPolicy> {
  const rows = await db.selectFrom('sla_policies').selectAll().where('org_id', '=', orgId).execute();
  const policy = { ...defaultSlaPolicy } as SlaPolicy;
  for (const row of rows) {
    policy[row.severity] = {
      firstResponseMinutes: row.first_response_minutes,
      resolutionMinutes: row.resolution_minutes,
    };
  }
  return policy;
}

/** Replaces the organisation's SLA targets for the severities given; others keep theirs. */
export async function saveSlaPolicy(db: Db, orgId: string, targets: Partial<SlaPolicy>): Promise<void> {
  const rows = caseSeverities.flatMap((severity) => {
    const target = targets[severity];
    return target
      ? [
          {
            org_id: orgId,
            severity,
            first_response_minutes: target.firstResponseMinutes,
            resolution_minutes: target.resolutionMinutes,
          },
        ]
      : [];
  });
  if (rows.length === 0) return;
  await db
    .insertInto('sla_policies')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['org_id', 'severity']).doUpdateSet((eb) => ({
        first_response_minutes: eb.ref('excluded.first_response_minutes'),
        resolution_minutes: eb.ref('excluded.resolution_minutes'),
      })),
    )
    .execute();
}

/** Sets where replies to a source's customers are sent; false when the source is not the organisation's. */
export async function setSourceReplyTarget(
  db: Db,
  orgId: string,
  sourceId: string,
  target: { url: string; secretCiphertext: string } | null,
): Promise<boolean> {
  const result = await db
    .updateTable('sources')
    .set({ reply_url: target?.url ?? null, reply_secret_ciphertext: target?.secretCiphertext ?? null })
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets a source's own case horizon (null: the organisation's); false when the source is not the organisation's. */
export async function setSourceCaseHorizon(
  db: Db,
  orgId: string,
  sourceId: string,
  hours: number | null,
): Promise<boolean> {
  const result = await db
    .updateTable('sources')
    .set({ case_horizon_hours: hours })
    .where('org_id', '=', orgId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The sources of an organisation that set their own case horizon, by id. */
export async function loadSourceCaseHorizons(db: Db, orgId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('sources')
    .select(['id', 'case_horizon_hours'])
    .where('org_id', '=', orgId)
    .where('case_horizon_hours', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.id, row.case_horizon_hours!]));
}
