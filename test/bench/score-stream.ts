import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { type Agent, type ClientRequest, get, type IncomingMessage } from 'node:http';
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { createScoreProcessor, type StaffEvidence } from '@cxloop/aggregation-worker';
import { issueApiKey } from '@cxloop/api';
import type { ScoreJob } from '@cxloop/contracts';
import { createApiKey, createOrganisation } from '@cxloop/db';
import { redisOptions } from '@cxloop/runtime';
import {
  allIndicators,
  applyScorePatch,
  atShownPrecision,
  type FrameworkScore,
  type LiveScoreChange,
  type SurveyResult,
} from '@cxloop/scoring';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { entries, freePort, type RunningProcess, startProcess, waitForHttp } from '../support/processes.js';
import { flushRedisPrefix, redisUrl } from '../support/redis.js';
import { dropTestDatabase } from '../support/test-database.js';
import { pause, startBenchRun, wallClock } from './bench-run.js';
import { describeMachine, percentile } from './machine.js';

/**
 * `pnpm bench:stream`: the live score stream of one API process, run as production runs it.
 *
 * 1. The Scores view over LIVE_SECONDS of live updates, before and after incremental events, in one run: the
 *    real score worker recomputes an organisation every UPDATE_MS with a few staff survey means moved (every
 *    indicator has survey evidence, so the score carries its full trail). The "reload" client does what the
 *    page did before: on each event of its scope, GET the whole score, uncompressed. The "patch" client does
 *    what it does now: apply the event's patch (and check the result against the stored score at the end).
 *    Bytes are HTTP body bytes received (SSE plus score reads), after the first load.
 * 2. STREAMS concurrent streams on the same API process: its resident memory before and after they open, its
 *    TCP connections to Redis (counted from /proc, so other users of the shared Redis do not count), and the
 *    latency from publishing a change to each stream receiving it (p50/p95/p99), EVENTS events at 10/s.
 */
const LIVE_SECONDS = Number(process.env.STREAM_LIVE_SECONDS ?? 60);
const UPDATE_MS = Number(process.env.STREAM_UPDATE_MS ?? 2_000);
const STREAMS = Number(process.env.STREAM_CLIENTS ?? 1_000);
const EVENTS = Number(process.env.STREAM_EVENTS ?? 50);

const { redisPrefix, database, db } = await startBenchRun();
const redis = new Redis(redisOptions(redisUrl));
const open: ClientRequest[] = [];
let api: RunningProcess | undefined;

/** Staff survey means of every indicator; each recompute moves a few of them. */
const means = new Map(allIndicators.map((indicator, index) => [indicator.id, 2 + ((index * 7) % 20) / 10]));
const surveyEvidence: StaffEvidence = async () => ({
  survey: [...means].map(([indicatorId, mean]): SurveyResult => ({ indicatorId, mean, respondents: 40 })),
});
function moveSomeMeans(round: number) {
  const ids = [...means.keys()];
  for (let i = 0; i < 3; i++) {
    const id = ids[(round * 13 + i * 29) % ids.length]!;
    means.set(id, Math.min(5, Math.max(1, means.get(id)! + (round % 2 === 0 ? 0.3 : -0.2))));
  }
}

/** The API process's open TCP connections to `port`: its socket fds matched against /proc/net/tcp. */
function tcpConnectionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed while listing
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['tcp', 'tcp6']
    .flatMap((file) => readFileSync(`/proc/net/${file}`, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2]?.endsWith(`:${hexPort}`) && fields[3] === '01' && inodes.has(fields[9]!))
    .length;
}

const residentMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface Stream {
  bytes: number;
  received: { id: string; arrivedAt: number; change: LiveScoreChange }[];
}

/** Opens an SSE stream; `onEvent` sees each score change as it arrives. */
function openStream(
  url: string,
  apiKey: string,
  agent: Agent | undefined,
  onEvent?: (change: LiveScoreChange) => void,
): Promise<Stream> {
  const stream: Stream = { bytes: 0, received: [] };
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const arrivedAt = wallClock();
        stream.bytes += Buffer.byteLength(chunk);
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (id && data) {
            const change = JSON.parse(data) as LiveScoreChange;
            stream.received.push({ id, arrivedAt, change });
            onEvent?.(change);
          }
        }
      });
      resolve(stream);
    });
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
    open.push(request);
  });
}

/** GETs a URL; answers the body bytes as received on the wire and the decoded JSON. */
function getJson(url: string, apiKey: string, acceptEncoding: string) {
  return new Promise<{ wireBytes: number; body: unknown }>((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${apiKey}`, 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', async () => {
        const wire = Buffer.concat(chunks);
        resolve({ wireBytes: wire.length, body: JSON.parse((await decode(res, wire)).toString('utf8')) });
      });
    }).on('error', reject);
  });
}

async function decode(res: IncomingMessage, body: Buffer): Promise<Buffer> {
  const zlib = await import('node:zlib');
  switch (res.headers['content-encoding']) {
    case 'br':
      return zlib.brotliDecompressSync(body);
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    default:
      return body;
  }
}

/** Equal at the precision shown, whatever the order of keys (the stored score comes back from jsonb). */
function sameScore(a: FrameworkScore, b: FrameworkScore): boolean {
  return isDeepStrictEqual(atShownPrecision(a), atShownPrecision(b));
}

const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(3));
const kib = (bytes: number) => Number((bytes / 1024).toFixed(1));

try {
  const machine = await describeMachine(db);
  const secretKey = randomBytes(32).toString('hex');
  const org = await createOrganisation(db, 'Stream bench org');
  const key = issueApiKey();
  await createApiKey(db, {
    orgId: org.id,
    role: 'manager',
    name: 'stream bench',
    lookup: key.lookup,
    secretHash: key.secretHash,
  });
  const apiPort = await freePort();
  api = startProcess('api', entries.api, {
    DATABASE_URL: database.url,
    REDIS_PREFIX: redisPrefix,
    CXLOOP_SECRET_KEY: secretKey,
    PORT: String(apiPort),
  });
  const base = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${base}/healthz`);
  const pid = api.child.pid!;
  const streamUrl = `${base}/v1/orgs/${org.id}/scores/stream`;
  const scoreUrl = `${base}/v1/orgs/${org.id}/scores/enterprise`;

  const recompute = createScoreProcessor({ db, redis, prefix: redisPrefix, staffEvidence: surveyEvidence });
  const job = { data: { orgId: org.id } } as Job<ScoreJob>;
  await recompute(job);

  // 1. The Scores view over LIVE_SECONDS: both clients load the score, then follow the stream.
  const reloadFirst = await getJson(scoreUrl, key.plaintext, 'identity');
  const patchFirst = await getJson(scoreUrl, key.plaintext, 'br, gzip');
  let reloadBytes = 0;
  const reloads: Promise<unknown>[] = [];
  const reloadStream = await openStream(streamUrl, key.plaintext, undefined, (change) => {
    if (change.scope === 'enterprise') {
      reloads.push(
        getJson(scoreUrl, key.plaintext, 'identity').then((answer) => (reloadBytes += answer.wireBytes)),
      );
    }
  });
  let patched = (patchFirst.body as { score: FrameworkScore }).score;
  let unpatchable = 0;
  const patchStream = await openStream(streamUrl, key.plaintext, undefined, (change) => {
    if (change.scope !== 'enterprise') return;
    if (change.patch) patched = applyScorePatch(patched, change.patch);
    else unpatchable++;
  });
  const liveStarted = Date.now();
  let recomputes = 0;
  while (Date.now() - liveStarted < LIVE_SECONDS * 1_000) {
    moveSomeMeans(recomputes++);
    await recompute(job);
    await pause(UPDATE_MS);
  }
  await Promise.all(reloads);
  const stored = (await getJson(scoreUrl, key.plaintext, 'identity')).body as { score: FrameworkScore };
  // The stream as the page had it before: the same events without their patch.
  const unpatchedStreamBytes = reloadStream.received.reduce(
    (sum, { id, change: { patch: _patch, ...event } }) => {
      return sum + Buffer.byteLength(`id: ${id}\nevent: score\ndata: ${JSON.stringify(event)}\n\n`);
    },
    0,
  );
  const reloadWire = unpatchedStreamBytes + reloadBytes;
  const scoresView = {
    seconds: LIVE_SECONDS,
    recomputes,
    eventsReceived: patchStream.received.length,
    fullScoreBytes: reloadFirst.wireBytes,
    fullScoreCompressedBytes: patchFirst.wireBytes,
    before: { streamBytes: unpatchedStreamBytes, scoreReadBytes: reloadBytes, totalBytes: reloadWire },
    after: { streamBytes: patchStream.bytes, scoreReadBytes: 0, totalBytes: patchStream.bytes },
    reduction: Number((reloadWire / Math.max(1, patchStream.bytes)).toFixed(1)),
    // The patched page shows what the stored score shows (at the precision shown).
    patchedMatchesStored: sameScore(patched, stored.score),
    unpatchableEvents: unpatchable,
  };
  for (const request of open.splice(0)) request.destroy();
  console.log(JSON.stringify({ scoresView }, null, 2));

  // 2. STREAMS concurrent streams on one API process.
  await pause(1_000);
  const redisPort = Number(new URL(redisUrl).port || 6379);
  const idle = { residentMiB: residentMiB(pid), redisConnections: tcpConnectionsTo(pid, redisPort) };
  const { Agent: HttpAgent } = await import('node:http');
  const agent = new HttpAgent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const streams: Stream[] = [];
  for (let i = 0; i < STREAMS; i += 100) {
    const batch = Math.min(100, STREAMS - i);
    streams.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => openStream(streamUrl, key.plaintext, agent)),
      )),
    );
  }
  await pause(2_000);
  const held = { residentMiB: residentMiB(pid), redisConnections: tcpConnectionsTo(pid, redisPort) };
  const publishedAt = new Map<string, number>();
  for (let i = 0; i < EVENTS; i++) {
    moveSomeMeans(recomputes++);
    const started = wallClock();
    const result = await recompute(job);
    if (result.changed.length > 0) {
      const newest = (await redis.xrevrange(`${redisPrefix}:scores:${org.id}`, '+', '-', 'COUNT', 1))[0];
      // Latency runs from the entry's append (its id is Redis' clock in ms) to each stream's arrival.
      if (newest) publishedAt.set(newest[0], Math.max(started, Number(newest[0].split('-')[0])));
    }
    await pause(100);
  }
  await pause(3_000);
  const latencies = streams.flatMap((stream) =>
    stream.received.flatMap((entry) => {
      const at = publishedAt.get(entry.id);
      return at === undefined ? [] : [entry.arrivedAt - at];
    }),
  );
  const delivered = streams.filter((stream) => stream.received.length >= publishedAt.size).length;
  const concurrent = {
    streams: STREAMS,
    eventsPublished: publishedAt.size,
    streamsReceivingEveryEvent: delivered,
    apiResidentMiB: { idle: Math.round(idle.residentMiB), withStreams: Math.round(held.residentMiB) },
    perStreamKiB: Number((((held.residentMiB - idle.residentMiB) * 1024) / STREAMS).toFixed(1)),
    apiRedisConnections: { idle: idle.redisConnections, withStreams: held.redisConnections },
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
    loadAverageAfter: Number(loadavg()[0]!.toFixed(2)),
  };
  console.log(JSON.stringify({ concurrent }, null, 2));
  mkdirSync('test/bench/results', { recursive: true });
  const report = {
    at: new Date().toISOString(),
    machine,
    scoresView: { ...scoresView, fullScoreKiB: kib(scoresView.fullScoreBytes), beforeMiB: mib(reloadWire) },
    concurrent,
  };
  writeFileSync('test/bench/results/score-stream.json', `${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const request of open) request.destroy();
  await api?.stop();
  redis.disconnect();
  await db.destroy();
  await flushRedisPrefix(redisPrefix);
  await dropTestDatabase(database.name);
}
