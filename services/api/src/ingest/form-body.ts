import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { problems } from '../problems.js';

/** Form fields in the order sent; a repeated name keeps every value. */
export type FormFields = Map<string, string[]>;

function add(fields: FormFields, name: string, value: string) {
  const values = fields.get(name);
  if (values) values.push(value);
  else fields.set(name, [value]);
}

export function parseUrlEncoded(body: Buffer): FormFields {
  const fields: FormFields = new Map();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) add(fields, name, value);
  return fields;
}

/**
 * Fields of a multipart body (Mailgun posts multipart when an email has attachments). File parts are
 * drained unread: cxloop takes the text of a message, never its attachments.
 */
export function parseMultipart(body: Buffer, contentType: string): Promise<FormFields> {
  return new Promise((resolve, reject) => {
    const fields: FormFields = new Map();
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: body.length } });
    } catch (error) {
      reject(problems.malformedBody(error instanceof Error ? error.message : 'unreadable multipart body'));
      return;
    }
    parser.on('field', (name: string, value: string) => add(fields, name, value));
    parser.on('file', (_name: string, stream: NodeJS.ReadableStream) => stream.resume());
    parser.on('error', (error: Error) => reject(problems.malformedBody(error.message)));
    parser.on('finish', () => resolve(fields));
    parser.end(body);
  });
}

/** The single value of a field (the first when repeated): the shape vendor schemas validate. */
export function firstValues(fields: FormFields): Record<string, string> {
  return Object.fromEntries([...fields].map(([name, values]) => [name, values[0] ?? '']));
}
