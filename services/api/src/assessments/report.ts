import type { Assessment } from '@cxloop/db';
import { defaultStageBands, type FrameworkScore } from '@cxloop/scoring';
import { elementRows, snapshotOf } from './export.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const stageName = (stage: string) => defaultStageBands.find((band) => band.stage === stage)?.name ?? stage;
const points = (value: number) => value.toFixed(1);
const LEVELS: Record<string, string> = {
  fully: 'Fully achieved',
  partially: 'Partially achieved',
  not_yet: 'Not yet achieved',
  unrated: 'Unrated',
};

/**
 * A printable, self-contained HTML report of one assessment for a board: the total and stage, each
 * dimension, and per element its points, stage, the assessor's rating with the reason, overrides and target.
 * No script, no external resource; every value from the snapshot is escaped.
 */
export function assessmentReport(assessment: Assessment, organisation: string): string {
  const snapshot = snapshotOf(assessment);
  const score = snapshot.score as unknown as FrameworkScore;
  const rows = elementRows(assessment);
  const dimensions = score.dimensions
    .map(
      (dimension) =>
        `<tr><td>${escapeHtml(dimension.id)} ${escapeHtml(dimension.name)}</td><td class="n">${points(dimension.points)} / ${dimension.max}</td><td>${escapeHtml(stageName(dimension.stage))}</td></tr>`,
    )
    .join('');
  const elements = rows
    .map(
      (row) => `<tr>
  <td>${escapeHtml(row.elementId)} ${escapeHtml(row.name)}</td>
  <td class="n">${points(row.points)} / ${row.max}</td>
  <td>${escapeHtml(stageName(row.stage))}</td>
  <td>${escapeHtml(LEVELS[row.objectiveLevel] ?? row.objectiveLevel)}${row.objectiveReason ? `<div class="why">${escapeHtml(row.objectiveReason)} — ${escapeHtml(row.ratedBy)}</div>` : ''}</td>
  <td>${escapeHtml(row.overrides)}</td>
  <td>${escapeHtml(row.target ? stageName(row.target) : '')}</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(assessment.title)} — ${escapeHtml(organisation)}</title>
<style>
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
  h1 { font-size: 18pt; margin: 0 0 .2em; } h2 { font-size: 13pt; margin-top: 1.6em; }
  table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
  th { background: #f2f2f2; } td.n { text-align: right; white-space: nowrap; } .why { color: #444; font-size: 9.5pt; }
  .headline { font-size: 14pt; } .meta { color: #444; }
  @media print { body { margin: 0; } tr { break-inside: avoid; } }
</style></head><body>
<h1>${escapeHtml(assessment.title)}</h1>
<p class="meta">${escapeHtml(organisation)} · scope ${escapeHtml(assessment.scope)} · signed off by ${escapeHtml(assessment.signed_off_by)} on ${assessment.frozen_at.toISOString().slice(0, 10)} · evidence as of ${assessment.score_computed_at.toISOString().slice(0, 16).replace('T', ' ')} UTC</p>
<p class="headline"><strong>${points(assessment.total)}</strong> of ${score.max} points · stage <strong>${escapeHtml(stageName(assessment.stage))}</strong> · ${score.coverage.measured} of ${score.coverage.indicators} indicators with evidence</p>
${assessment.note ? `<p>${escapeHtml(assessment.note)}</p>` : ''}
<h2>Dimensions</h2>
<table><thead><tr><th>Dimension</th><th>Points</th><th>Stage</th></tr></thead><tbody>${dimensions}</tbody></table>
<h2>Elements</h2>
<table><thead><tr><th>Element</th><th>Points</th><th>Stage</th><th>Statement of objective</th><th>Overrides</th><th>Target</th></tr></thead>
<tbody>
${elements}
</tbody></table>
<p class="meta">Element points = points available × (70 % indicator attainment + 30 % objective achievement: Fully 1, Partially 0.5, Not yet 0).</p>
</body></html>
`;
}
