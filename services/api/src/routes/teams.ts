import {
  addTeamMember,
  createMember,
  createTeam,
  type Db,
  existingTeamIds,
  findMember,
  listMembers,
  listTeams,
  type MemberWithTeams,
} from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { Problem, problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

const TeamView = z.object({ id: z.uuid(), name: z.string(), createdAt: z.string() });
const MemberView = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  teamIds: z.array(z.uuid()),
  createdAt: z.string(),
});

const presentMember = (member: MemberWithTeams): z.infer<typeof MemberView> => ({
  id: member.id,
  name: member.name,
  email: member.email,
  teamIds: member.teamIds,
  createdAt: member.created_at.toISOString(),
});

/** A unique constraint (team name, member email) already taken in the organisation. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** The people of an organisation and their teams; admins manage them, everyone can read them. */
export async function teamRoutes(app: FastifyInstance, deps: { db: Db }) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(deps.db, 'admin');
  const readers = requireRole(deps.db, 'admin', 'manager', 'responder', 'assessor');

  route.get(
    '/v1/teams',
    {
      preHandler: readers,
      schema: {
        summary: 'Teams of the organisation',
        tags: ['teams'],
        security,
        response: { 200: z.object({ teams: z.array(TeamView) }), ...problemResponses(401) },
      },
    },
    async (request) => ({
      teams: (await listTeams(deps.db, principalOf(request).orgId)).map((team) => ({
        id: team.id,
        name: team.name,
        createdAt: team.created_at.toISOString(),
      })),
    }),
  );

  route.post(
    '/v1/teams',
    {
      preHandler: admins,
      schema: {
        summary: 'Create a team',
        tags: ['teams'],
        security,
        body: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
        response: {
          201: TeamView,
          ...problemResponses(401, 403, 409, 422),
        },
      },
    },
    async (request, reply) => {
      try {
        const team = await createTeam(deps.db, principalOf(request).orgId, request.body);
        return reply
          .status(201)
          .send({ id: team.id, name: team.name, createdAt: team.created_at.toISOString() });
      } catch (error) {
        if (isUniqueViolation(error)) throw new Problem(409, 'conflict', 'A team with this name exists');
        throw error;
      }
    },
  );

  route.get(
    '/v1/members',
    {
      preHandler: readers,
      schema: {
        summary: 'Members of the organisation with their teams',
        tags: ['teams'],
        security,
        response: { 200: z.object({ members: z.array(MemberView) }), ...problemResponses(401) },
      },
    },
    async (request) => ({
      members: (await listMembers(deps.db, principalOf(request).orgId)).map(presentMember),
    }),
  );

  route.post(
    '/v1/members',
    {
      preHandler: admins,
      schema: {
        summary: 'Add a member (a person who works cases), optionally in teams',
        tags: ['teams'],
        security,
        body: z
          .object({
            name: z.string().trim().min(1).max(200),
            email: z.email().max(320),
            teamIds: z.array(z.uuid()).max(50).default([]),
          })
          .strict(),
        response: {
          201: MemberView,
          ...problemResponses(401, 403, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { orgId } = principalOf(request);
      const { teamIds } = request.body;
      const known = await existingTeamIds(deps.db, orgId, teamIds);
      const unknown = teamIds.flatMap((teamId, index) =>
        known.has(teamId)
          ? []
          : [{ path: `/teamIds/${index}`, message: 'no team with this id in the organisation' }],
      );
      if (unknown.length > 0) throw problems.invalidBody(unknown);
      try {
        return reply.status(201).send(presentMember(await createMember(deps.db, orgId, request.body)));
      } catch (error) {
        if (isUniqueViolation(error)) throw new Problem(409, 'conflict', 'A member with this email exists');
        throw error;
      }
    },
  );

  route.put(
    '/v1/teams/:teamId/members/:memberId',
    {
      preHandler: admins,
      schema: {
        summary: 'Put a member into a team (idempotent)',
        tags: ['teams'],
        security,
        params: z.object({ teamId: z.string(), memberId: z.string() }),
        response: { 200: MemberView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { teamId, memberId } = request.params;
      const ids = z.uuid();
      if (!ids.safeParse(teamId).success || !(await existingTeamIds(deps.db, orgId, [teamId])).has(teamId)) {
        throw problems.notFound('Team');
      }
      if (!ids.safeParse(memberId).success || !(await findMember(deps.db, orgId, memberId))) {
        throw problems.notFound('Member');
      }
      await addTeamMember(deps.db, orgId, teamId, memberId);
      const member = await findMember(deps.db, orgId, memberId);
      if (!member) throw problems.notFound('Member');
      return presentMember(member);
    },
  );
}
