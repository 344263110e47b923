import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { queueNames } from '@cxloop/contracts';
import type { Db } from '@cxloop/db';
import type { AnalyzeQueue } from '@cxloop/runtime';
import fastifyStatic from '@fastify/static';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRole } from './auth/plugin.js';
import { sendProblem } from './errors.js';
import { Problem } from './problems.js';

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
  db: Db;
  analyzeQueue: AnalyzeQueue;
  /** Built page to serve; defaults to services/dashboard/dist. */
  dashboardDir?: string;
}

/**
 * Serves the web dashboard on the API's own origin (no CORS) and, for admins, the BullMQ queue board at
 * /admin/queues. The dashboard uses hash routes, so only `/` and hashed assets are files to serve.
 */
export async function dashboard(app: FastifyInstance, deps: DashboardDeps) {
  const root = deps.dashboardDir ?? dashboardDist;
  if (existsSync(`${root}/index.html`)) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
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
  } else {
    app.log.warn({ root }, 'dashboard not built (run `pnpm build`); serving the API only');
  }
  await app.register(queueBoard, { db: deps.db, analyzeQueue: deps.analyzeQueue });
}

/**
 * bull-board over every queue of the job catalogue, on the connection settings the API already uses. The
 * queues (one Redis connection each) are opened when an admin first opens the board, not by every API
 * process at start, and are closed only once connected: closing a connection still being opened rejects a
 * promise nobody can catch.
 */
async function queueBoard(app: FastifyInstance, deps: { db: Db; analyzeQueue: AnalyzeQueue }) {
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

  const adminOnly = requireRole(deps.db, 'admin');
  // bull-board installs its own error handler, so a failed check is answered here as problem+json; a
  // browser that is not signed in is sent to the dashboard's sign-in instead.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await adminOnly(request, reply);
      openQueues();
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      if (error.status === 401 && request.method === 'GET' && request.headers.accept?.includes('text/html')) {
        return reply.redirect('/#/signin', 303);
      }
      return sendProblem(request, reply, error);
    }
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
