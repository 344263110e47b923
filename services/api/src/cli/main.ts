import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { Adapter, adapterSettings, Channel, defaultChannelOf, Role } from '@cxloop/contracts';
import {
  actionEffectReport,
  createApiKey,
  createDb,
  createMember,
  createOrganisation,
  createSource,
  createTeam,
  createUnit,
  type Db,
  findMember,
  findOrganisation,
  findSource,
  findSourceForDelivery,
  findTeamByName,
  findUnitByKey,
  listActionItems,
  listApiKeys,
  listSources,
  openCasesForWindow,
  revokeApiKey,
  rotateSourceSecret,
  updateSource,
} from '@cxloop/db';
import {
  ConfigError,
  closeQueue,
  createAnalyzeQueue,
  createLogger,
  redisOptions,
  SecretBox,
} from '@cxloop/runtime';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { publishAccessEvent } from '../auth/access-events.js';
import { issueApiKey } from '../auth/api-keys.js';
import { type ApiConfig, loadApiConfig, publicBaseUrl } from '../config.js';
import { importFeedback } from '../imports/feedback-import.js';
import { importOutcomes } from '../imports/outcome-import.js';
import { presentApiKey } from '../routes/api-keys.js';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  MAX_ROTATION_OVERLAP_SECONDS,
  signingSecretFor,
  webhookUrlOf,
} from '../sources/secrets.js';
import { formatDoctorReport, runDoctor } from './doctor.js';
import { TopicCommandError, topicCommands, topicUsage } from './topics.js';

/**
 * `pnpm cxloop <noun> <verb> [--flags]`: administration that scripts can drive. Each command prints one
 * JSON object with `--json`, or readable lines otherwise. Secrets and keys are shown once, here.
 */
const usage = `usage:
  cxloop org create --name NAME [--json]
  cxloop unit create --org ORG_ID --key KEY --name NAME [--json]
  cxloop source create --org ORG_ID --name NAME [--adapter ADAPTER] [--secret VENDOR_KEY] [--channel CHANNEL]
                       [--unit UNIT_KEY] [--json]
  cxloop source list --org ORG_ID [--json]
  cxloop source pause|resume --org ORG_ID --source SOURCE_ID [--json]
  cxloop source rotate --org ORG_ID --source SOURCE_ID [--secret VENDOR_KEY] [--overlap SECONDS] [--json]
  cxloop import --source SOURCE_ID --file FILE [--format csv|ndjson] [--json]
  cxloop import-outcomes --source SOURCE_ID --file FILE [--format csv|ndjson] [--json]
  cxloop team create --org ORG_ID --name NAME [--json]
  cxloop member create --org ORG_ID --name NAME --email EMAIL [--team TEAM_NAME ...] [--json]
  cxloop apikey create --org ORG_ID --role ${Role.options.join('|')} [--name NAME] [--member MEMBER_ID] [--json]
  cxloop apikey list --org ORG_ID [--json]
  cxloop apikey revoke --org ORG_ID --key KEY_ID [--json]
  cxloop action list --org ORG_ID [--overdue] [--json]   (status, owner, due date and measured effect)
  cxloop cases backfill --org ORG_ID --from ISO_TIME --to ISO_TIME [--source SOURCE_ID] [--json]
                       (opens cases for flagged feedback that happened in [from, to) and has none)
${topicUsage}
  cxloop doctor [--json]
channels: ${Channel.options.join(', ')}
adapters: ${Adapter.options.join(', ')} (twilio, mailgun, zendesk, intercom need --secret: the key the vendor issued)`;

class UsageError extends Error {}

type Flags = Record<string, string | string[] | boolean | undefined>;

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

async function requireSource(db: Db, flags: Flags) {
  const org = await requireOrganisation(db, required(flags, 'org'));
  const sourceId = required(flags, 'source');
  const source = z.uuid().safeParse(sourceId).success ? await findSource(db, org.id, sourceId) : undefined;
  if (!source) throw new UsageError(`no source with id ${sourceId} in this organisation`);
  return source;
}

async function setSourceStatus(db: Db, flags: Flags, status: 'active' | 'paused') {
  const source = await requireSource(db, flags);
  await updateSource(db, source.org_id, source.id, { status });
  return { id: source.id, status };
}

/** The secret a source signs with: the vendor's key from --secret, or one generated here. */
function signingSecret(adapter: Adapter, flags: Flags) {
  try {
    return signingSecretFor(adapter, typeof flags.secret === 'string' ? flags.secret : undefined);
  } catch {
    throw new UsageError(`the ${adapter} adapter verifies with a key ${adapter} issues: pass it as --secret`);
  }
}

async function requireOrganisation(db: Db, orgId: string) {
  const org = z.uuid().safeParse(orgId).success ? await findOrganisation(db, orgId) : undefined;
  if (!org) throw new UsageError(`no organisation with id ${orgId}`);
  return org;
}

type Command = (db: Db, flags: Flags, config: ApiConfig) => Promise<Record<string, unknown>>;

/** The source and file of an import command (feedback or outcomes); the format follows the extension. */
async function importTarget(db: Db, flags: Flags) {
  const sourceId = required(flags, 'source');
  const source = z.uuid().safeParse(sourceId).success ? await findSourceForDelivery(db, sourceId) : undefined;
  if (!source) throw new UsageError(`no source with id ${sourceId}`);
  const file = required(flags, 'file');
  const format = flags.format ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError('--format must be csv or ndjson');
  return { source, file, format } as const;
}

/** An ISO 8601 time given on the command line. */
function instant(flags: Flags, name: string): Date {
  const text = required(flags, name);
  const parsed = z.iso.datetime({ offset: true }).safeParse(text);
  if (!parsed.success)
    throw new UsageError(`--${name} must be an ISO 8601 time such as 2026-09-01T00:00:00Z`);
  return new Date(parsed.data);
}

const commands: Record<string, Command> = {
  'cases backfill': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const from = instant(flags, 'from');
    const to = instant(flags, 'to');
    if (from >= to) throw new UsageError('--to must be after --from');
    const sourceId = typeof flags.source === 'string' ? (await requireSource(db, flags)).id : undefined;
    const report = await openCasesForWindow(
      db,
      org.id,
      { from, to, ...(sourceId ? { sourceId } : {}) },
      new Date(),
    );
    // Scores count the new cases at the organisation's next recompute (any new feedback, or the sweep).
    return { ...report };
  },
  // Taxonomy commands run as the API's routes do, for the organisation --org names.
  ...Object.fromEntries(
    Object.entries(topicCommands).map(([name, run]): [string, Command] => [
      name,
      async (db, flags, config) => {
        const org = await requireOrganisation(db, required(flags, 'org'));
        return run(db, flags, config, org.id, () => required(flags, 'id'));
      },
    ]),
  ),
  'org create': async (db, flags) => {
    const org = await createOrganisation(db, required(flags, 'name'));
    return { id: org.id, name: org.name };
  },
  'unit create': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const unit = await createUnit(db, org.id, { key: required(flags, 'key'), name: required(flags, 'name') });
    return { id: unit.id, orgId: org.id, key: unit.key, name: unit.name };
  },
  'source create': async (db, flags, config) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const adapter = Adapter.safeParse(typeof flags.adapter === 'string' ? flags.adapter : 'generic');
    if (!adapter.success) throw new UsageError(`--adapter must be one of ${Adapter.options.join(', ')}`);
    // Adapters that read from the vendor's API need a vendor token and settings the CLI does not take.
    if (adapterSettings[adapter.data].vendorToken) {
      throw new UsageError(
        `create ${adapter.data} sources with POST /v1/sources or the dashboard: they need a vendor access token`,
      );
    }
    const channel = Channel.safeParse(
      typeof flags.channel === 'string' ? flags.channel : defaultChannelOf[adapter.data],
    );
    if (!channel.success) throw new UsageError(`--channel must be one of ${Channel.options.join(', ')}`);
    let unitId: string | null = null;
    if (typeof flags.unit === 'string') {
      const unit = await findUnitByKey(db, org.id, flags.unit);
      if (!unit) throw new UsageError(`no unit with key ${flags.unit} in this organisation`);
      unitId = unit.id;
    }
    const { secret, generated } = signingSecret(adapter.data, flags);
    const source = await createSource(db, {
      orgId: org.id,
      name: required(flags, 'name'),
      channel: channel.data,
      adapter: adapter.data,
      unitId,
      secretCiphertext: new SecretBox(config.CXLOOP_SECRET_KEY).seal(secret),
    });
    return {
      id: source.id,
      orgId: org.id,
      name: source.name,
      adapter: source.adapter,
      channel: source.channel,
      webhookUrl: webhookUrlOf(publicBaseUrl(config), source),
      ...(generated ? { signingSecret: secret } : {}),
    };
  },
  'source list': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const sources = await listSources(db, org.id);
    return {
      sources: sources.map((source) => ({
        id: source.id,
        name: source.name,
        adapter: source.adapter,
        status: source.status,
        acceptedCount: Number(source.accepted_count),
        importedCount: Number(source.imported_count),
        rejectedCount: Number(source.rejected_count),
        lastDeliveryAt: source.last_delivery_at?.toISOString() ?? null,
        lastError: source.last_error,
      })),
    };
  },
  'source pause': (db, flags) => setSourceStatus(db, flags, 'paused'),
  'source resume': (db, flags) => setSourceStatus(db, flags, 'active'),
  'source rotate': async (db, flags, config) => {
    const source = await requireSource(db, flags);
    const { secret, generated } = signingSecret(Adapter.parse(source.adapter), flags);
    const overlap =
      typeof flags.overlap === 'string' ? Number(flags.overlap) : DEFAULT_ROTATION_OVERLAP_SECONDS;
    if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_ROTATION_OVERLAP_SECONDS) {
      throw new UsageError(`--overlap must be whole seconds between 0 and ${MAX_ROTATION_OVERLAP_SECONDS}`);
    }
    const rotatedAt = new Date();
    const previousExpiresAt = new Date(rotatedAt.getTime() + overlap * 1000);
    await rotateSourceSecret(db, source.org_id, source.id, {
      secretCiphertext: new SecretBox(config.CXLOOP_SECRET_KEY).seal(secret),
      previousExpiresAt,
      rotatedAt,
    });
    return {
      id: source.id,
      previousSecretExpiresAt: previousExpiresAt.toISOString(),
      ...(generated ? { signingSecret: secret } : {}),
    };
  },
  import: async (db, flags, config) => {
    const { source, file, format } = await importTarget(db, flags);
    const analyzeQueue = createAnalyzeQueue({
      connection: redisOptions(config.REDIS_URL),
      prefix: config.REDIS_PREFIX,
    });
    const log = createLogger('cxloop-import', 'warn');
    // Imported rows are committed before they are enqueued; a Redis hiccup only delays them (the sweeper
    // enqueues what is missed), so it is reported, never fatal.
    analyzeQueue.on('error', (error) => log.warn({ err: error }, 'analyze queue connection error'));
    try {
      const report = await importFeedback({ db, analyzeQueue, log }, source, createReadStream(file), format);
      return { sourceId: source.id, ...report };
    } finally {
      await closeQueue(analyzeQueue);
    }
  },
  'import-outcomes': async (db, flags) => {
    const { source, file, format } = await importTarget(db, flags);
    const report = await importOutcomes(db, source, createReadStream(file), format);
    return { sourceId: source.id, ...report };
  },
  'team create': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const team = await createTeam(db, org.id, { name: required(flags, 'name') });
    return { id: team.id, orgId: org.id, name: team.name };
  },
  'member create': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const email = z.email().safeParse(required(flags, 'email'));
    if (!email.success) throw new UsageError('--email must be an email address');
    const teamIds: string[] = [];
    for (const name of Array.isArray(flags.team) ? flags.team : []) {
      const team = await findTeamByName(db, org.id, name);
      if (!team)
        throw new UsageError(`no team named ${name} in this organisation (create it with team create)`);
      teamIds.push(team.id);
    }
    const member = await createMember(db, org.id, {
      name: required(flags, 'name'),
      email: email.data,
      teamIds,
    });
    return {
      id: member.id,
      orgId: org.id,
      name: member.name,
      email: member.email,
      teamIds: member.teamIds.join(','),
    };
  },
  'apikey create': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const role = Role.safeParse(required(flags, 'role'));
    if (!role.success) throw new UsageError(`--role must be one of ${Role.options.join(', ')}`);
    let memberId: string | null = null;
    if (typeof flags.member === 'string') {
      const member = z.uuid().safeParse(flags.member).success
        ? await findMember(db, org.id, flags.member)
        : undefined;
      if (!member) throw new UsageError(`no member with id ${flags.member} in this organisation`);
      memberId = member.id;
    }
    const issued = issueApiKey();
    const key = await createApiKey(db, {
      orgId: org.id,
      role: role.data,
      name: typeof flags.name === 'string' ? flags.name : `${role.data} key`,
      lookup: issued.lookup,
      secretHash: issued.secretHash,
      memberId,
    });
    return { id: key.id, orgId: org.id, role: key.role, memberId, apiKey: issued.plaintext };
  },
  'action list': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const now = new Date();
    const actions = await listActionItems(
      db,
      org.id,
      flags.overdue ? { overdueOn: now.toISOString().slice(0, 10) } : {},
    );
    const listed = [];
    // One at a time: the CLI holds a single connection, and each measurement is two small rollup reads.
    for (const action of actions) {
      const { effect, frozen } = await actionEffectReport(db, action, now);
      listed.push({
        id: action.id,
        title: action.title,
        status: action.status,
        owner: action.owner_team_id ? { teamId: action.owner_team_id } : { memberId: action.owner_member_id },
        dueDate: action.due_date.toISOString().slice(0, 10),
        metric: action.metric,
        verdict: effect?.verdict ?? null,
        estimate:
          (effect?.basis === 'difference_in_differences' ? effect.differenceInDifferences : effect?.naive) ??
          null,
        frozen,
      });
    }
    return { actions: listed };
  },
  'apikey list': async (db, flags) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const keys = await listApiKeys(db, org.id);
    return { apiKeys: keys.map(presentApiKey) };
  },
  'apikey revoke': async (db, flags, config) => {
    const org = await requireOrganisation(db, required(flags, 'org'));
    const keyId = required(flags, 'key');
    const key = z.uuid().safeParse(keyId).success
      ? await revokeApiKey(db, org.id, keyId, new Date())
      : undefined;
    if (!key) throw new UsageError(`no API key with id ${keyId} in this organisation`);
    // Running APIs end the key's open streams at once; one that misses this notices at its next heartbeat.
    const redis = new Redis({ ...redisOptions(config.REDIS_URL), maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    const announced = await publishAccessEvent(redis, config.REDIS_PREFIX, {
      kind: 'key_revoked',
      apiKeyId: key.id,
    }).then(
      () => true,
      () => false,
    );
    redis.disconnect();
    return { id: key.id, revokedAt: key.revoked_at!.toISOString(), streamsNotified: announced };
  },
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      org: { type: 'string' },
      key: { type: 'string' },
      unit: { type: 'string' },
      channel: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      team: { type: 'string', multiple: true },
      member: { type: 'string' },
      adapter: { type: 'string' },
      secret: { type: 'string' },
      source: { type: 'string' },
      overlap: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      overdue: { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      id: { type: 'string' },
      label: { type: 'string' },
      seed: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      parent: { type: 'string' },
      into: { type: 'string' },
      candidate: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (positionals[0] === 'doctor') {
    const results = await runDoctor();
    process.stdout.write(
      values.json ? `${JSON.stringify({ checks: results })}\n` : `${formatDoctorReport(results)}\n`,
    );
    return results.some((result) => result.status === 'fail') ? 1 : 0;
  }
  const command = commands[positionals.slice(0, 2).join(' ')];
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadApiConfig();
  const db = createDb(config.DATABASE_URL, { maxConnections: 1, applicationName: 'cxloop-cli' });
  try {
    const result = await command(db, values, config);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(result)}\n`
        : `${Object.entries(result)
            .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
            .join('\n')}\n`,
    );
    if (!values.json && ('signingSecret' in result || 'apiKey' in result)) {
      process.stdout.write('(the secret above is shown only now; store it safely)\n');
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known =
      error instanceof UsageError ||
      error instanceof TopicCommandError ||
      error instanceof ConfigError ||
      (error instanceof Error &&
        error.name === 'TypeError' &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`cxloop: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = known ? 2 : 1;
  },
);
