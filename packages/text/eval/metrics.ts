/** The protocol's three classes: the paper's ±0.05 threshold on the [-1, 1] scale. */
export type Polarity = 'positive' | 'neutral' | 'negative';

export const POLARITY_THRESHOLD = 0.05;

export function polarityOf(score: number): Polarity {
  if (score > POLARITY_THRESHOLD) return 'positive';
  if (score < -POLARITY_THRESHOLD) return 'negative';
  return 'neutral';
}

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i]!;
    meanY += ys[i]!;
  }
  meanX /= n;
  meanY /= n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  return varianceX === 0 || varianceY === 0 ? 0 : covariance / Math.sqrt(varianceX * varianceY);
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Precision, recall and F1 of one label from counts; an empty denominator scores 0, as scikit-learn does. */
export function classScores(truePositives: number, predicted: number, actual: number): ClassScores {
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = actual === 0 ? 0 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: actual };
}

export interface SentimentMetrics {
  n: number;
  pearsonR: number;
  accuracy: number;
  macroF1: number;
}

export function sentimentMetrics(predicted: readonly number[], gold: readonly number[]): SentimentMetrics {
  const classes: Polarity[] = ['positive', 'neutral', 'negative'];
  let correct = 0;
  const counts = new Map(classes.map((c) => [c, { tp: 0, predicted: 0, actual: 0 }]));
  for (let i = 0; i < gold.length; i++) {
    const p = polarityOf(predicted[i]!);
    const g = polarityOf(gold[i]!);
    counts.get(p)!.predicted++;
    counts.get(g)!.actual++;
    if (p === g) {
      correct++;
      counts.get(p)!.tp++;
    }
  }
  let f1Sum = 0;
  for (const c of classes) {
    const k = counts.get(c)!;
    f1Sum += classScores(k.tp, k.predicted, k.actual).f1;
  }
  return {
    n: gold.length,
    pearsonR: pearson(predicted, gold),
    accuracy: correct / gold.length,
    macroF1: f1Sum / classes.length,
  };
}

/** Per-label counts of one check: labels predicted, labels given, and both. */
export interface LabelCount {
  tp: number;
  predicted: number;
  actual: number;
}

/** Precision, recall and F1 per label, and micro-averaged over all labels. */
export function scoreLabelCounts(counts: ReadonlyMap<string, LabelCount>): {
  perLabel: Record<string, ClassScores>;
  micro: ClassScores;
} {
  const perLabel: Record<string, ClassScores> = {};
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (const [label, count] of counts) {
    perLabel[label] = classScores(count.tp, count.predicted, count.actual);
    tp += count.tp;
    predicted += count.predicted;
    actual += count.actual;
  }
  return { perLabel, micro: classScores(tp, predicted, actual) };
}
