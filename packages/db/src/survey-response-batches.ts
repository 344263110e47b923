import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import { waveMinGroupSize } from './survey-group-size.js';
import type { BufferedAnswer, Survey } from './surveys.tables.js';

/**
 * Invited staff responses reach `survey_responses` only in batches of at least the wave's minimum group
 * size (k), written in one transaction in random order with random ids.
 *
 * Why: claiming an invitation and storing its answers in one transaction gave both rows the same `xmin`,
 * and the claim time matched the response, so whoever handed out the links could tell who answered what.
 * Now the claim commits together with a row in `survey_response_buffer` (so an accepted answer survives any
 * crash), and a later transaction moves the buffered answers into `survey_responses` once k of them wait.
 * A stored response then shares its `xmin`, its day and its batch number with at least k − 1 others, and
 * carries no time; invitations keep only whether they were used. The buffer row itself is linked to its
 * claim until the batch is written: that window, and an operator reading dead tuples or the WAL, are the
 * limits docs/security.md states.
 */

export interface ResponseToBuffer {
  unitId: string | null;
  departmentId: string | null;
  staffRoleId: string | null;
  answers: BufferedAnswer[];
}

/** One response's answers as `survey_answers` rows. */
export function answerRows(survey: Survey, responseId: string, answers: readonly BufferedAnswer[]) {
  return answers.map((answer) => ({
    response_id: responseId,
    question_id: answer.questionId,
    org_id: survey.org_id,
    survey_id: survey.id,
    likert: answer.likert,
    dont_know: answer.dontKnow,
    objective: answer.objective,
  }));
}

/** Stores an accepted response until its batch is written; call it in the transaction that claims the link. */
export async function bufferResponse(trx: Db, survey: Survey, response: ResponseToBuffer): Promise<void> {
  await trx
    .insertInto('survey_response_buffer')
    .values({
      org_id: survey.org_id,
      survey_id: survey.id,
      unit_id: response.unitId,
      department_id: response.departmentId,
      staff_role_id: response.staffRoleId,
      answers: JSON.stringify(response.answers),
    })
    .execute();
}

/** Fisher–Yates with a cryptographic source: the insert order is the physical row order. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

/** Takes a written batch back out (answers read, rows deleted), to be written again with a remainder. */
async function takeBackBatch(trx: Db, survey: Survey, batch: number): Promise<ResponseToBuffer[]> {
  const answers = await trx
    .selectFrom('survey_answers as a')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .select(['a.response_id', 'a.question_id', 'a.likert', 'a.dont_know', 'a.objective'])
    .where('r.org_id', '=', survey.org_id)
    .where('r.survey_id', '=', survey.id)
    .where('r.batch', '=', batch)
    .execute();
  const byResponse = new Map<string, BufferedAnswer[]>();
  for (const row of answers) {
    const own = byResponse.get(row.response_id) ?? [];
    own.push({
      questionId: row.question_id,
      likert: row.likert,
      dontKnow: row.dont_know,
      objective: row.objective,
    });
    byResponse.set(row.response_id, own);
  }
  // Their answers go with them (on delete cascade).
  const responses = await trx
    .deleteFrom('survey_responses')
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .where('batch', '=', batch)
    .returning(['id', 'unit_id', 'department_id', 'staff_role_id'])
    .execute();
  return responses.map((row) => ({
    unitId: row.unit_id,
    departmentId: row.department_id,
    staffRoleId: row.staff_role_id,
    answers: byResponse.get(row.id) ?? [],
  }));
}

/**
 * Writes the survey's buffered responses as one batch when at least k wait. `closing` (in the transaction
 * that closes the survey) writes whatever waits: a remainder under k joins the last written batch, which is
 * taken out and written again with it, so even the last batch is k or more — unless fewer than k answered
 * the whole survey, when they are one batch of everyone. Returns how many responses were written.
 */
export async function writeResponseBatch(trx: Db, survey: Survey, options: { closing: boolean }) {
  // One writer per survey: concurrent submissions would otherwise write the same buffer twice or split it.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`survey-batch:${survey.id}`}, 0))`.execute(trx);
  const k = await waveMinGroupSize(trx, survey);
  const waiting = await trx
    .selectFrom('survey_response_buffer')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .executeTakeFirstOrThrow();
  const count = Number(waiting.n);
  if (count === 0 || (count < k && !options.closing)) return 0;

  const buffered = await trx
    .deleteFrom('survey_response_buffer')
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .returningAll()
    .execute();
  const last = await trx
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.max('batch').as('batch'))
    .where('org_id', '=', survey.org_id)
    .where('survey_id', '=', survey.id)
    .executeTakeFirst();
  let batch = (last?.batch ?? 0) + 1;
  const responses: ResponseToBuffer[] = buffered.map((row) => ({
    unitId: row.unit_id,
    departmentId: row.department_id,
    staffRoleId: row.staff_role_id,
    answers: row.answers,
  }));
  if (buffered.length < k && last?.batch) {
    batch = last.batch;
    responses.push(...(await takeBackBatch(trx, survey, batch)));
  }
  const rows = shuffled(responses).map((response) => ({ id: randomUUID(), ...response }));
  await trx
    .insertInto('survey_responses')
    .values(
      rows.map((row) => ({
        id: row.id,
        org_id: survey.org_id,
        survey_id: survey.id,
        unit_id: row.unitId,
        department_id: row.departmentId,
        staff_role_id: row.staffRoleId,
        origin: 'invitation',
        external_id: null,
        batch,
      })),
    )
    .execute();
  const answers = rows.flatMap((row) => answerRows(survey, row.id, row.answers));
  if (answers.length > 0) await trx.insertInto('survey_answers').values(answers).execute();
  return rows.length;
}

/** Writes a batch if k responses wait, in a transaction of its own (after the claim has committed). */
export function flushResponseBuffer(db: Db, survey: Survey): Promise<number> {
  return db.transaction().execute((trx) => writeResponseBatch(trx, survey, { closing: false }));
}

/**
 * Writes the batches a crash left waiting (an answer committed, the process gone before its batch was
 * written), for every open survey with answers in the buffer; the aggregation worker's sweep calls it.
 * Returns how many responses were written.
 */
export async function flushWaitingResponseBatches(db: Db): Promise<number> {
  const surveys = await db
    .selectFrom('surveys')
    .selectAll()
    .where('status', '=', 'open')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('survey_response_buffer as b')
          .select('b.id')
          .whereRef('b.survey_id', '=', 'surveys.id'),
      ),
    )
    .execute();
  let written = 0;
  for (const survey of surveys) written += await flushResponseBuffer(db, survey);
  return written;
}
