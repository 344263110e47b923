import type { z } from 'zod';

/** One failing field: a JSON pointer-like path and what is wrong with it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem. Thrown anywhere in a request; the error handler renders it as
 * `application/problem+json`. `code` is stable and documented, `title` is for people.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  return `${prefix}/${path.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({ path: fieldPath(issue.path, prefix), message: issue.message }));
}

export const problems = {
  invalidBody: (errors: FieldProblem[]) =>
    new Problem(422, 'invalid_body', 'The request body does not match the schema', undefined, errors),
  malformedJson: (detail: string) =>
    new Problem(400, 'malformed_json', 'The request body is not valid JSON', detail),
  malformedBody: (detail: string) =>
    new Problem(400, 'malformed_body', 'The request body cannot be read', detail),
  unstorableValue: () =>
    new Problem(
      400,
      'unstorable_value',
      'A value in the request cannot be stored',
      'a text holds a character or a date or number lies outside what can be stored',
    ),
  tooManyRequests: (retryAfterSeconds: number, detail: string) =>
    new Problem(429, 'too_many_requests', 'Too many requests', detail, undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  unauthenticated: (detail: string) => new Problem(401, 'unauthenticated', 'Authentication failed', detail),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Your role may not do this', detail),
  notFound: (what: string) => new Problem(404, 'not_found', `${what} not found`),
  unavailable: (detail: string) =>
    new Problem(503, 'unavailable', 'A backing service is unavailable', detail, undefined, {
      'retry-after': '5',
    }),
};
