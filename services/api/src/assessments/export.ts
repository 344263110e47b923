import type { Assessment, AssessmentSnapshot } from '@cxloop/db';
import type { FrameworkScore } from '@cxloop/scoring';
import { csvField } from '../csv.js';

/** What an exported assessment shows per element, read once from the snapshot for CSV and HTML alike. */
export interface ElementRow {
  dimensionId: string;
  dimensionName: string;
  elementId: string;
  name: string;
  points: number;
  max: number;
  stage: string;
  indicatorAttainment: number;
  confidence: number;
  missingIndicators: number;
  objectiveLevel: string;
  objectiveReason: string;
  ratedBy: string;
  overrides: string;
  target: string;
}

export function snapshotOf(assessment: Assessment): AssessmentSnapshot {
  return assessment.snapshot as unknown as AssessmentSnapshot;
}

/** One row per element, in framework order, with the assessor's rating, overrides and target beside it. */
export function elementRows(assessment: Assessment): ElementRow[] {
  const snapshot = snapshotOf(assessment);
  const score = snapshot.score as unknown as FrameworkScore;
  const ratings = new Map(snapshot.ratings.map((rating) => [rating.elementId, rating]));
  const targets = new Map(snapshot.targets.map((target) => [target.elementId, target]));
  return score.dimensions.flatMap((dimension) =>
    dimension.elements.map((element) => {
      const rating = ratings.get(element.id);
      const target = targets.get(element.id);
      return {
        dimensionId: dimension.id,
        dimensionName: dimension.name,
        elementId: element.id,
        name: element.name,
        points: element.points,
        max: element.max,
        stage: element.stage,
        indicatorAttainment: element.attainment,
        confidence: element.confidence,
        missingIndicators: element.missing.length,
        objectiveLevel: rating?.level ?? 'unrated',
        objectiveReason: rating?.reason ?? '',
        ratedBy: rating?.ratedBy ?? '',
        overrides: snapshot.overrides
          .filter((override) => override.indicatorId.startsWith(`${element.id}.`))
          .map((override) => `${override.indicatorId}=${override.attainment} (${override.reason})`)
          .join('; '),
        target: target ? (target.stage ?? `${target.points} points`) : '',
      };
    }),
  );
}

const CSV_COLUMNS: readonly [string, keyof ElementRow][] = [
  ['dimension', 'dimensionId'],
  ['element', 'elementId'],
  ['name', 'name'],
  ['points', 'points'],
  ['max', 'max'],
  ['stage', 'stage'],
  ['indicator_attainment', 'indicatorAttainment'],
  ['confidence', 'confidence'],
  ['missing_indicators', 'missingIndicators'],
  ['objective', 'objectiveLevel'],
  ['objective_reason', 'objectiveReason'],
  ['rated_by', 'ratedBy'],
  ['overrides', 'overrides'],
  ['target', 'target'],
];

/** The assessment as CSV: one line per element, then a total line. */
export function assessmentCsv(assessment: Assessment): string {
  const lines = [CSV_COLUMNS.map(([header]) => header).join(',')];
  for (const row of elementRows(assessment)) {
    lines.push(CSV_COLUMNS.map(([, key]) => csvField(row[key])).join(','));
  }
  const score = snapshotOf(assessment).score as unknown as FrameworkScore;
  lines.push(
    ['total', '', 'Total', csvField(assessment.total), csvField(score.max), assessment.stage].join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}
