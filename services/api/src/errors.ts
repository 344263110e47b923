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

/** Every error leaves the API as RFC 9457 problem+json; unexpected ones are logged and hidden from clients. */
export const errorHandling = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof Problem) return sendProblem(request, reply, error);
    const known = fastifyErrorAsProblem(error);
    if (known) return sendProblem(request, reply, known);
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(request, reply, problems.unavailable('the database is unavailable; retry later'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new Problem(500, 'internal', 'Internal server error'));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, problems.notFound('Route')));
});
