import type { Kysely } from 'kysely';

// A vendor API token for adapters that must fetch what a webhook only names (SurveyMonkey sends the response
// id, not the answers). Sealed like the signing secret; the key stays in the environment.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sources').addColumn('vendor_token_ciphertext', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sources').dropColumn('vendor_token_ciphertext').execute();
}
