import type { Db } from './connection.js';
import type { Member, Team } from './triage.tables.js';

export async function createTeam(db: Db, orgId: string, team: { name: string }): Promise<Team> {
  return db
    .insertInto('teams')
    .values({ org_id: orgId, name: team.name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listTeams(db: Db, orgId: string): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export async function findTeam(db: Db, orgId: string, teamId: string): Promise<Team | undefined> {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', teamId)
    .executeTakeFirst();
}

export async function findTeamByName(db: Db, orgId: string, name: string): Promise<Team | undefined> {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export type MemberWithTeams = Member & { teamIds: string[] };

/** Adds a person to an organisation, in the given teams (the caller checks them with `existingTeamIds`). */
export async function createMember(
  db: Db,
  orgId: string,
  member: { name: string; email: string; teamIds: readonly string[] },
): Promise<MemberWithTeams> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('members')
      .values({ org_id: orgId, name: member.name, email: member.email })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const teamId of new Set(member.teamIds)) await addTeamMember(trx, orgId, teamId, row.id);
    return { ...row, teamIds: [...new Set(member.teamIds)] };
  });
}

/** Puts a member into a team; adding twice changes nothing. */
export async function addTeamMember(db: Db, orgId: string, teamId: string, memberId: string): Promise<void> {
  await db
    .insertInto('team_members')
    .values({ org_id: orgId, team_id: teamId, member_id: memberId })
    .onConflict((oc) => oc.columns(['team_id', 'member_id']).doNothing())
    .execute();
}

export async function findMember(
  db: Db,
  orgId: string,
  memberId: string,
): Promise<MemberWithTeams | undefined> {
  const member = await db
    .selectFrom('members')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  return member && { ...member, teamIds: await findMemberTeamIds(db, orgId, memberId) };
}

export async function findMemberTeamIds(db: Db, orgId: string, memberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('team_members')
    .select('team_id')
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .orderBy('team_id')
    .execute();
  return rows.map((row) => row.team_id);
}

export async function listMembers(db: Db, orgId: string): Promise<MemberWithTeams[]> {
  const [members, memberships] = await Promise.all([
    db.selectFrom('members').selectAll().where('org_id', '=', orgId).orderBy('name').execute(),
    db.selectFrom('team_members').select(['member_id', 'team_id']).where('org_id', '=', orgId).execute(),
  ]);
  return members.map((member) => ({
    ...member,
    teamIds: memberships.filter((row) => row.member_id === member.id).map((row) => row.team_id),
  }));
}

/** Which of `teamIds` are teams of the organisation: the check before linking anything to them. */
export async function existingTeamIds(
  db: Db,
  orgId: string,
  teamIds: readonly string[],
): Promise<Set<string>> {
  if (teamIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('teams')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', [...teamIds])
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** The person an API key acts for and their teams; no person (and so no teams) for keys of integrations. */
export async function findApiKeyMembership(
  db: Db,
  orgId: string,
  apiKeyId: string,
): Promise<{ memberId: string | null; teamIds: string[] }> {
  const rows = await db
    .selectFrom('api_keys')
    .leftJoin('team_members', (join) =>
      join
        .onRef('team_members.member_id', '=', 'api_keys.member_id')
        .onRef('team_members.org_id', '=', 'api_keys.org_id'),
    )
    .select(['api_keys.member_id', 'team_members.team_id'])
    .where('api_keys.org_id', '=', orgId)
    .where('api_keys.id', '=', apiKeyId)
    .orderBy('team_members.team_id')
    .execute();
  return {
    memberId: rows[0]?.member_id ?? null,
    teamIds: rows.flatMap((row) => (row.team_id ? [row.team_id] : [])),
  };
}
