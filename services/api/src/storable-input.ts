import { Stream } from 'node:stream';
import { storableJson } from '@cxloop/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fieldPath, problems } from './problems.js';

/** No request of this API nests deeper; a 10 000-level body is refused before anything walks it further. */
const MAX_REQUEST_DEPTH = 64;

/** Parsed values (JSON, query strings), as opposed to the raw bytes or streams some routes take. */
function isParsed(value: unknown): boolean {
  return !Buffer.isBuffer(value) && !(value instanceof Stream);
}

function storable(request: FastifyRequest, part: 'body' | 'query' | 'params') {
  const value = request[part];
  if (!isParsed(value)) return;
  const cleaned = storableJson(value, MAX_REQUEST_DEPTH);
  if (!cleaned.ok) {
    const prefix = part === 'body' ? '' : `/${part === 'query' ? 'querystring' : part}`;
    throw problems.invalidBody([
      { path: fieldPath(cleaned.path, prefix), message: `nested deeper than ${MAX_REQUEST_DEPTH} levels` },
    ]);
  }
  request[part] = cleaned.value;
}

/**
 * Every parsed body, query string and path parameter is made storable before it is validated: NUL removed
 * and lone surrogates replaced in every string and key (names, notes, search terms …), since PostgreSQL
 * refuses both and no text typed by a person needs them. Bodies a route keeps as bytes or a stream (webhooks,
 * imports) are left alone: their parsers decide (feedback identifiers are refused, not cleaned; see
 * docs/security.md, "Hostile input").
 */
export const storableInput = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    storable(request, 'params');
    storable(request, 'query');
    storable(request, 'body');
  });
});
