import { type Kysely, sql } from 'kysely';

// Word-level search of feedback with ranking (PostgreSQL full-text search, English stemming: "refunds"
// finds "refund", and words need not be adjacent). Two indexes, one per text a reader may see
// (customer-data policy): people who see the redacted text search a vector built from the redacted text
// only, so no index they can reach holds a hidden email, phone number or name; people who see the text as
// sent search the original.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feedback_analysis
    add column redacted_search tsvector
    generated always as (to_tsvector('english', redacted_text)) stored`.execute(db);
  await sql`create index feedback_analysis_redacted_search_idx
    on feedback_analysis using gin (redacted_search)`.execute(db);
  await sql`create index feedback_text_search_idx
    on feedback using gin (to_tsvector('english', text))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists feedback_text_search_idx`.execute(db);
  await sql`drop index if exists feedback_analysis_redacted_search_idx`.execute(db);
  await sql`alter table feedback_analysis drop column redacted_search`.execute(db);
}
