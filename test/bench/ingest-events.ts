/** Texts of typical webhook length, sent in turn by the ingest benchmark's senders. */
const texts = [
  'Delivery was two days late and nobody called back.',
  'Lovely staff at the Leeds store, quick and friendly.',
  'The app keeps logging me out when I try to pay.',
  'Refund still not processed after three weeks, very frustrating!',
];

/**
 * The `sequence`th event the ingest benchmark sends (without an external id: each sender adds a fresh one),
 * so the HTTP generator and the durable-commit ceiling store rows of the same size.
 */
export function ingestBenchEvent(sequence: number) {
  return { text: texts[sequence % texts.length]!, ratings: { nps: sequence % 11 } };
}
