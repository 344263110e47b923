import type { Channel } from '@cxloop/contracts';
import { type Db, listTeams, listUnitScopes, loadTextSettings } from '@cxloop/db';
import { FLAG_LABELS, organisationTopics } from '@cxloop/text';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/plugin.js';
import { problemResponses, security } from './schemas.js';
import { requireOwnOrg } from './scores.js';

const Named = z.object({ id: z.string(), name: z.string() });
const OrganisationNamesView = z.object({
  units: z.array(Named.extend({ key: z.string() })),
  teams: z.array(Named),
  topics: z.array(Named),
  flags: z.array(Named),
  channels: z.array(Named),
});
export type OrganisationNames = z.infer<typeof OrganisationNamesView>;

/** Channels as people call them; typed by the channel list, so a new channel cannot go unnamed. */
const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  survey: 'Survey',
  sms: 'SMS',
  email: 'Email',
  chat: 'Chat',
  helpdesk: 'Helpdesk',
  review: 'Reviews',
  social: 'Social media',
  call: 'Phone call',
  web: 'Web',
  other: 'Other',
};

/**
 * Everything a view shows by name instead of an id or a code: the organisation's units, teams, topics (its
 * own and the built-in ones), flags and channels. Names are not customer data, so every role reads them.
 */
export async function loadOrganisationNames(db: Db, orgId: string): Promise<OrganisationNames> {
  const [units, teams, settings] = await Promise.all([
    listUnitScopes(db, orgId),
    listTeams(db, orgId),
    loadTextSettings(db, orgId),
  ]);
  return {
    units: units.map((unit) => ({ id: unit.id, key: unit.key, name: unit.name })),
    teams: teams.map((team) => ({ id: team.id, name: team.name })),
    topics: organisationTopics(settings.topics).map((topic) => ({ id: topic.id, name: topic.label })),
    flags: Object.entries(FLAG_LABELS).map(([id, name]) => ({ id, name })),
    channels: Object.entries(CHANNEL_NAMES).map(([id, name]) => ({ id, name })),
  };
}

/**
 * The code behind what a person typed or picked: a code as it is, or a name shown on screen (any case).
 * Text that is neither comes back unchanged, so it matches nothing, as an unknown code would.
 */
export function codeOf(named: readonly { id: string; name: string; key?: string }[], typed: string): string {
  const folded = typed.trim().toLocaleLowerCase();
  const match =
    named.find((entry) => entry.id === typed || entry.key === typed) ??
    named.find((entry) => entry.name.toLocaleLowerCase() === folded);
  return match?.id ?? typed;
}

export async function organisationNameRoutes(app: FastifyInstance, deps: { db: Db }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orgs/:org/names',
    {
      preHandler: requireRole(deps.db, 'admin', 'manager', 'responder', 'assessor'),
      schema: {
        summary: 'Names of the units, teams, topics, flags and channels, for views and filter pickers',
        description:
          'Views show these names instead of ids and codes; the feedback search accepts either. Topics ' +
          "are the organisation's own (text settings) and the built-in ones it has not replaced.",
        tags: ['names'],
        security,
        params: z.object({ org: z.string() }),
        response: { 200: OrganisationNamesView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => loadOrganisationNames(deps.db, requireOwnOrg(request, request.params.org)),
  );
}
