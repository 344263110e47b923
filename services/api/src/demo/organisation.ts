import { randomBytes } from 'node:crypto';
import type { Adapter, Role } from '@cxloop/contracts';
import {
  createApiKey,
  createOrganisation,
  createUnit,
  type Db,
  findOrganisation,
  findUnitByKey,
} from '@cxloop/db';
import { issueApiKey } from '../auth/api-keys.js';
import { type DemoChannel, demoUnits } from './feedback-plan.js';
import type { DemoHttp } from './http.js';
import { type DemoSource, TYPEFORM_FIELD_MAPPING } from './senders.js';
import type { DemoState } from './state.js';

export const DEMO_ORGANISATION_NAME = 'Northwind Living (demo)';

const teams = ['Customer care', 'Escalations'] as const;
const people = [
  { name: 'Priya Shah', email: 'priya.shah@northwind-living.example', teams: ['Customer care'] },
  { name: 'Tom Okafor', email: 'tom.okafor@northwind-living.example', teams: ['Customer care'] },
  { name: 'Mei Lin', email: 'mei.lin@northwind-living.example', teams: ['Customer care', 'Escalations'] },
  { name: 'Dana Reyes', email: 'dana.reyes@northwind-living.example', teams: [] },
] as const;
/** The member the responder key acts as: claiming and answering cases needs a person. */
const RESPONDER = people[0];
/** The member the assessor key acts as: ratings and sign-offs name who made them. */
export const ASSESSOR = people[3];

const sourcePlan: readonly { channel: DemoChannel; adapter: Adapter; name: string }[] = [
  { channel: 'web', adapter: 'generic', name: 'Website and app feedback' },
  { channel: 'typeform', adapter: 'typeform', name: 'Post-purchase survey (Typeform)' },
  { channel: 'zendesk', adapter: 'zendesk', name: 'Support desk (Zendesk)' },
  { channel: 'twilio', adapter: 'twilio', name: 'Text us (Twilio SMS)' },
  { channel: 'mailgun', adapter: 'mailgun', name: 'feedback@ mailbox (Mailgun)' },
];

async function issueKey(db: Db, orgId: string, role: Role, memberId: string | null = null) {
  const issued = issueApiKey();
  await createApiKey(db, {
    orgId,
    role,
    name: `demo ${role}`,
    lookup: issued.lookup,
    secretHash: issued.secretHash,
    memberId,
  });
  return issued.plaintext;
}

/**
 * The demo organisation with its two units and an admin key, made as `pnpm cxloop org create`, `unit create`
 * and `apikey create` make them (organisations and keys have no HTTP API). Reuses the one in `state` while it
 * still exists in this database.
 */
export async function ensureOrganisation(
  db: Db,
  state: DemoState | undefined,
): Promise<{ state: DemoState; created: boolean }> {
  if (state && (await findOrganisation(db, state.orgId))) {
    for (const unit of demoUnits) {
      if (!(await findUnitByKey(db, state.orgId, unit.key))) await createUnit(db, state.orgId, unit);
    }
    return { state, created: false };
  }
  const org = await createOrganisation(db, DEMO_ORGANISATION_NAME);
  for (const unit of demoUnits) await createUnit(db, org.id, unit);
  const admin = await issueKey(db, org.id, 'admin');
  // The other keys are issued once their people exist (ensurePeople).
  return {
    state: {
      version: 1,
      orgId: org.id,
      apiKeys: { admin, manager: '', responder: '', assessor: '' },
      sources: {},
    },
    created: true,
  };
}

interface Team {
  id: string;
  name: string;
}
interface Member {
  id: string;
  email: string;
}

/**
 * Teams and members through the admin API, found by name and email when they exist; routes cases to
 * "Customer care"; then the manager key and a responder key acting as one of the members.
 */
export async function ensurePeople(db: Db, http: DemoHttp, state: DemoState): Promise<void> {
  const apiKey = state.apiKeys.admin;
  const existingTeams = (await http.send({ method: 'GET', path: '/v1/teams', apiKey })).json<{
    teams: Team[];
  }>().teams;
  const teamIds = new Map(existingTeams.map((team) => [team.name, team.id]));
  for (const name of teams) {
    if (teamIds.has(name)) continue;
    const team = (
      await http.send({ method: 'POST', path: '/v1/teams', apiKey, json: { name } })
    ).json<Team>();
    teamIds.set(name, team.id);
  }
  const existingMembers = (await http.send({ method: 'GET', path: '/v1/members', apiKey })).json<{
    members: Member[];
  }>().members;
  const memberIds = new Map(existingMembers.map((member) => [member.email, member.id]));
  for (const person of people) {
    if (memberIds.has(person.email)) continue;
    const member = (
      await http.send({
        method: 'POST',
        path: '/v1/members',
        apiKey,
        json: {
          name: person.name,
          email: person.email,
          teamIds: person.teams.map((name) => teamIds.get(name)),
        },
      })
    ).json<Member>();
    memberIds.set(person.email, member.id);
  }
  const settings = (await http.send({ method: 'GET', path: '/v1/triage/settings', apiKey })).json<
    Record<string, unknown>
  >();
  await http.send({
    method: 'PUT',
    path: '/v1/triage/settings',
    apiKey,
    json: {
      caseFlags: settings.caseFlags,
      minSeverity: settings.minSeverity,
      repeatWindowHours: settings.repeatWindowHours,
      defaultTeamId: teamIds.get('Customer care'),
      businessHours: settings.businessHours,
      escalationUrl: settings.escalationUrl,
    },
  });
  if (!state.apiKeys.manager) state.apiKeys.manager = await issueKey(db, state.orgId, 'manager');
  if (!state.apiKeys.responder) {
    state.apiKeys.responder = await issueKey(
      db,
      state.orgId,
      'responder',
      memberIds.get(RESPONDER.email) ?? null,
    );
  }
  if (!state.apiKeys.assessor) {
    state.apiKeys.assessor = await issueKey(
      db,
      state.orgId,
      'assessor',
      memberIds.get(ASSESSOR.email) ?? null,
    );
  }
}

/**
 * Connects the demo's channels through the admin API, as a CX team would: the generic JSON channel and four
 * vendor adapters. For the vendors that issue their own signing key (Zendesk, Twilio, Mailgun) the demo plays
 * the vendor and makes one up. A source already in `state` is kept while the API still knows it.
 */
export async function ensureSources(
  http: DemoHttp,
  state: DemoState,
  onChange: () => Promise<void>,
): Promise<void> {
  const apiKey = state.apiKeys.admin;
  for (const plan of sourcePlan) {
    const known = state.sources[plan.channel];
    if (known) {
      const found = await http.send({
        method: 'GET',
        path: `/v1/sources/${known.id}`,
        apiKey,
        accept: [404],
      });
      if (found.status === 200) continue;
    }
    const vendorKey =
      plan.adapter === 'generic' || plan.adapter === 'typeform' ? undefined : randomBytes(24).toString('hex');
    const created = (
      await http.send({
        method: 'POST',
        path: '/v1/sources',
        apiKey,
        json: {
          name: plan.name,
          adapter: plan.adapter,
          ...(vendorKey ? { secret: vendorKey } : {}),
          ...(plan.adapter === 'typeform' ? { fieldMapping: TYPEFORM_FIELD_MAPPING } : {}),
          // The demo replays a quarter of history in a minute; real senders spread it out.
          rateLimitPerMinute: 20_000,
        },
      })
    ).json<{ id: string; webhookUrl: string; signingSecret?: string }>();
    const secret = vendorKey ?? created.signingSecret;
    if (!secret) throw new Error(`the API returned no signing secret for the ${plan.adapter} source`);
    state.sources[plan.channel] = {
      id: created.id,
      webhookUrl: created.webhookUrl,
      secret,
    } satisfies DemoSource;
    await onChange();
  }
}
