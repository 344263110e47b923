import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { queueNames } from '@cxloop/contracts';
import type { AnalyzeQueue } from '@cxloop/runtime';
import fastifyStatic from '@fastify/static';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FailedAuthLimit } from './auth/failed-auth-limit.js';
import { OPERATOR_CHALLENGE, operatorCredentialOf, sameSecret } from './auth/operator.js';
import { SAFE_METHODS } from './auth/plugin.js';
import { sendProblem } from './errors.js';
import { Problem, problems } from './problems.js';

/** Where `pnpm build` of services/dashboard writes the page. */
export const dashboardDist = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/**
 * The page may load scripts, styles and data only from this origin, and no other site may frame it. The
 * dashboard has no inline scripts; charts and Preact set styles through the DOM, which CSP allows.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface DashboardDeps {
  analyzeQueue: AnalyzeQueue;
  /** The platform operator's credential; without it there is no queue board (404). */
  operatorToken?: string | undefined;
  authFailures: FailedAuthLimit;
  /** Built page to serve; defaults to services/dashboard/dist. */
  dashboardDir?: string;
}

/**
 * Serves the web dashboard on the API's own origin (no CORS) and, for the platform operator, the BullMQ
 * queue board at /admin/queues. The dashboard uses hash routes, so only `/` and hashed assets are files to serve.
 */
export async function dashboard(app: FastifyInstance, deps: DashboardDeps) {
  const root = deps.dashboardDir ?? dashboardDist;
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn({ root }, 'dashboard not built (run `pnpm build`); serving the API only until it is');
  }
  await app.register(fastifyStatic, {
    root,
    // Files are looked up when asked for, not listed once at start: a rebuild's new content-hashed assets
    // are served at once, without restarting the API (a list made at start would blank the rebuilt page).
    wildcard: true,
    index: ['index.html'],
    setHeaders(reply, path) {
      reply.header('x-content-type-options', 'nosniff');
      if (path.endsWith('.html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('cache-control', 'no-cache');
      } else {
        // Vite names assets by content hash: a changed file is a new URL.
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });
  if (deps.operatorToken) {
    await app.register(queueBoard, {
      operatorToken: deps.operatorToken,
      analyzeQueue: deps.analyzeQueue,
      authFailures: deps.authFailures,
    });
  }
}

/**
 * The queue board's page comes from bull-board, which links web fonts from fonts.googleapis.com: this
 * policy keeps the browser from fetching anything from another origin (the board falls back to local fonts)
 * and from being framed. bull-board's page needs inline styles.
 */
const QUEUE_BOARD_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const WEB_FONT_LINK = /<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>/g;

/** 401 that makes a browser prompt for the operator token. */
function operatorChallenge(request: FastifyRequest, reply: FastifyReply) {
  const problem = new Problem(
    401,
    'unauthenticated',
    'Authentication failed',
    'the queue board needs the operator token (OPERATOR_TOKEN), as a bearer token or basic-auth password',
    undefined,
    { 'www-authenticate': OPERATOR_CHALLENGE },
  );
  return sendProblem(request, reply, problem);
}

/**
 * bull-board over every queue of the job catalogue, for the platform operator only: it shows and changes
 * every organisation's jobs and Redis itself, so no organisation role opens it, only OPERATOR_TOKEN (as a
 * bearer token, or a browser's basic-auth password). The queues (one Redis connection each) are opened when
 * the board is first used, not by every API process at start, and are closed only once connected: closing a
 * connection still being opened rejects a promise nobody can catch.
 */
async function queueBoard(
  app: FastifyInstance,
  deps: { operatorToken: string; analyzeQueue: AnalyzeQueue; authFailures: FailedAuthLimit },
) {
  const { connection, prefix } = deps.analyzeQueue.opts;
  let queues: Queue[] | undefined;
  app.addHook('onClose', async () => {
    if (!queues) return;
    await Promise.allSettled(queues.map((queue) => queue.waitUntilReady()));
    await Promise.all(queues.map((queue) => queue.close()));
  });

  const basePath = '/admin/queues';
  const serverAdapter = new FastifyAdapter().setBasePath(basePath);
  const board = createBullBoard({ queues: [], serverAdapter });
  const openQueues = () => {
    if (queues) return;
    queues = Object.values(queueNames).map((name) => new Queue(name, { connection, prefix }));
    board.replaceQueues(queues.map((queue) => new BullMQAdapter(queue)));
  };

  // bull-board installs its own error handler, so a refusal is answered here as problem+json.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      deps.authFailures.assertAllowed(request.ip);
    } catch (error) {
      if (error instanceof Problem) return sendProblem(request, reply, error);
      throw error;
    }
    const offered = operatorCredentialOf(request.headers.authorization);
    if (!offered || !sameSecret(offered.token, deps.operatorToken)) {
      if (offered) await deps.authFailures.recordFailure(request.ip);
      return operatorChallenge(request, reply);
    }
    // A browser resends basic credentials by itself, also with another site's forms: a change must come
    // from the board's own page (the browser's Sec-Fetch-Site), as for session cookies.
    if (offered.scheme === 'basic' && !SAFE_METHODS.has(request.method)) {
      if (request.headers['sec-fetch-site'] !== 'same-origin') {
        return sendProblem(
          request,
          reply,
          problems.forbidden('a change to the queues must come from the queue board page itself'),
        );
      }
    }
    openQueues();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', QUEUE_BOARD_POLICY);
    reply.header('cache-control', 'no-store');
    // The page links Google's web fonts: the link is removed, so an operator's browser asks nothing of another
    // site (offline or not); the board falls back to local fonts.
    if (typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html')) {
      return payload.replace(WEB_FONT_LINK, '');
    }
    return payload;
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
