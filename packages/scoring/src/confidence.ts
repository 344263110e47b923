/**
 * Confidence 0–1 in a value measured on `sampleSize` cases: n / (n + halfConfidenceAt). It is 0 with no cases,
 * one half at `halfConfidenceAt`, and grows with every case without ever claiming certainty.
 *
 * @example confidenceFromSample(10, 10) // 0.5
 */
export function confidenceFromSample(sampleSize: number, halfConfidenceAt: number): number {
  return sampleSize <= 0 ? 0 : sampleSize / (sampleSize + halfConfidenceAt);
}

/**
 * Confidence from several independent sources: the chance that at least one of them is right,
 * 1 − Π(1 − cᵢ). Adding a source never lowers it.
 *
 * @example combineConfidence([0.5, 0.5]) // 0.75
 */
export function combineConfidence(confidences: readonly number[]): number {
  return 1 - confidences.reduce((doubt, confidence) => doubt * (1 - confidence), 1);
}
