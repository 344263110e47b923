import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type FieldProblem, Problem, problems } from './problems.js';

/** Postgres unreachable, restarting or refusing connections: the client should retry, nothing was stored. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (code.startsWith('08') ||
      ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'].includes(code))
  ) {
    return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

/**
 * PostgreSQL refused a value the request carried (class 22 "data exception": a character it cannot store,
 * a date or number out of its range; 54001: a document nested too deep for it). Input is made storable
 * before it reaches the database (storable-input.ts, the contracts' schemas); this is the net under that:
 * the statement failed, so nothing was stored, and the client gets a 400 instead of a 500.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22[0-9A-Z]{3}|54001)$/.test(code);
}

function fastifyErrorAsProblem(error: FastifyError): Problem | undefined {
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    // Body paths are JSON pointers into the body; other parts are prefixed with where they came from.
    const errors: FieldProblem[] = error.validation.map((issue) => ({
      path: where === 'body' ? issue.instancePath || '/' : `/${where}${issue.instancePath}`,
      message: issue.message ?? 'invalid',
    }));
    return new Problem(
      where === 'body' ? 422 : 400,
      `invalid_${where}`,
      `The request ${where} is invalid`,
      undefined,
      errors,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'body_too_large', 'The request body is too large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported_media_type', 'Unsupported content type', error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problems.malformedJson(error.message);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new Problem(error.statusCode, 'bad_request', 'The request cannot be processed', error.message);
  }
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  request.problemCode = problem.code;
  return reply
    .status(problem.status)
    .headers(problem.headers)
    .type('application/problem+json')
    .send({
      type: `urn:cxloop:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: request.url.split('?')[0],
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
}

/** Any error as the problem the client gets; unexpected ones are logged here and hidden from clients. */
export function problemOf(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof Problem) return error;
  const known = fastifyErrorAsProblem(error);
  if (known) return known;
  if (isRefusedValue(error)) {
    request.log.warn({ err: error }, 'database refused a value of the request');
    return problems.unstorableValue();
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return problems.unavailable('the database is unavailable; retry later');
  }
  request.log.error({ err: error }, 'unhandled error');
  return new Problem(500, 'internal', 'Internal server error');
}

/**
 * Refusals Fastify makes before routing (a path parameter over `maxParamLength` → 414, a URL it cannot
 * decode → 400), passed as its `frameworkErrors` option so they are problem+json like every other refusal.
 */
export function frameworkErrorAsProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const code = status === 414 ? 'uri_too_long' : 'bad_url';
  return sendProblem(
    request,
    reply,
    new Problem(status, code, 'The request URL cannot be routed', error.message),
  );
}

/** A request refused before it could be read: its request line (when Node had it), status and problem code. */
export type ConnectionRefusal = (requestLine: string, status: number, code: string) => void;

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (headers over the limit → 431, a
 * request that arrives too slowly → 408, bytes that are not HTTP → 400) never reach Fastify's routing, so
 * the answer is written to the socket here, as problem+json like every other refusal. `onRefusal` hears of
 * each one (the webhook route logs those aimed at a known source).
 */
export function clientErrorAsProblem(onRefusal: ConnectionRefusal) {
  return (error: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, title] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'The request did not arrive in time']
          : [400, 'malformed_request', 'The request is not valid HTTP'];
    const body = JSON.stringify({ type: `urn:cxloop:problem:${code}`, title, status });
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy(error);
    // Node's typings call rawPacket a JSON form of a buffer; at run time it is the Buffer it was parsing.
    const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
    const requestLine = raw?.subarray(0, 512).toString('latin1').split('\r\n')[0];
    if (requestLine) onRefusal(requestLine, status, code);
  };
}

/** Every error leaves the API as RFC 9457 problem+json; unexpected ones are logged and hidden from clients. */
export const errorHandling = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendProblem(request, reply, problemOf(error, request)),
  );
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, problems.notFound('Route')));
});
