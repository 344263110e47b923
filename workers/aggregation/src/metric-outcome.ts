/** What a metric computation returns: a value over a sample, or missing with the reason. */
export type Outcome = { value: number; sampleSize: number } | { missing: string };

/** `part` of `whole` as a share over `whole`, or missing with `nothing` when there is nothing to measure. */
export function share(part: number, whole: number, nothing: string): Outcome {
  return whole > 0 ? { value: part / whole, sampleSize: whole } : { missing: nothing };
}
