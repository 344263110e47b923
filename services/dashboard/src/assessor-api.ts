import { api } from './api';

/** The assessor routes the dashboard reads and writes (see services/api/src/routes/assessor). */

export type ObjectiveLevel = 'fully' | 'partially' | 'not_yet';

export const LEVEL_LABELS: Record<ObjectiveLevel, string> = {
  fully: 'Fully',
  partially: 'Partially',
  not_yet: 'Not yet',
};

export interface Rating {
  elementId: string;
  level: ObjectiveLevel;
  reason: string;
  evidenceLinks: string[];
  ratedBy: string;
  ratedAt: string;
}

export interface Objective {
  elementId: string;
  name: string;
  objective: string;
  rating: Rating | null;
}

export interface AuditEntry {
  id: string;
  kind: 'objective_rating' | 'indicator_override' | 'element_target' | 'assessment';
  subject: string;
  scope: string | null;
  actor: string;
  at: string;
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
  reason: string;
}

export interface Override {
  indicatorId: string;
  elementId: string;
  statement: string;
  attainment: number;
  reason: string;
  setBy: string;
  setAt: string;
}

export interface Target {
  scope: string;
  elementId: string;
  name: string;
  points: number | null;
  stage: string | null;
  targetPoints: number | null;
  currentPoints: number | null;
  gap: number | null;
  reason: string;
  setBy: string;
  setAt: string;
}

export interface AssessmentSummary {
  id: string;
  scope: string;
  title: string;
  note: string;
  signedOffBy: string;
  frozenAt: string;
  total: number;
  stage: string;
}

export interface ElementComparison {
  elementId: string;
  name: string;
  max: number;
  before: { points: number; stage: string; objective: string | null };
  after: { points: number; stage: string; objective: string | null };
  delta: number;
  why: { kind: string; indicatorId?: string; points: number }[];
  manual: string[];
}

export interface Comparison {
  before: AssessmentSummary;
  after: AssessmentSummary;
  comparison: {
    total: { before: number; after: number; delta: number };
    stage: { before: string; after: string };
    elements: ElementComparison[];
  };
}

const org = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}`;

export const assessorApi = {
  objectives: (orgId: string) => api.get<{ objectives: Objective[] }>(`${org(orgId)}/objectives`),
  rate: (
    orgId: string,
    body: { elementId: string; level: ObjectiveLevel; reason: string; evidenceLinks: string[] },
  ) => api.post<{ rating: Rating; audit: AuditEntry }>(`${org(orgId)}/objective-ratings`, body),
  audit: (orgId: string, query: { subject?: string; limit?: number } = {}) =>
    api.get<{ entries: AuditEntry[] }>(`${org(orgId)}/assessment-audit`, query),
  overrides: (orgId: string) => api.get<{ overrides: Override[] }>(`${org(orgId)}/indicator-overrides`),
  override: (orgId: string, body: { indicatorId: string; attainment: number | null; reason: string }) =>
    api.post<{ override: Override | null }>(`${org(orgId)}/indicator-overrides`, body),
  targets: (orgId: string) => api.get<{ targets: Target[] }>(`${org(orgId)}/targets`),
  setTarget: (
    orgId: string,
    body: { elementId: string; points: number | null; stage: string | null; reason: string },
  ) => api.post<{ target: Target | null }>(`${org(orgId)}/targets`, body),
  assessments: (orgId: string) => api.get<{ assessments: AssessmentSummary[] }>(`${org(orgId)}/assessments`),
  freeze: (orgId: string, body: { title: string; note: string }) =>
    api.post<AssessmentSummary>(`${org(orgId)}/assessments`, body),
  compare: (orgId: string, id: string, otherId: string) =>
    api.get<Comparison>(`${org(orgId)}/assessments/${id}/comparison/${otherId}`),
  exportUrl: (orgId: string, id: string, format: 'export.csv' | 'report.html') =>
    `${org(orgId)}/assessments/${id}/${format}`,
};

/** "partially → fully" for an audit entry's old and new values. */
export function describeChange(entry: AuditEntry): string {
  const show = (value: Record<string, unknown> | null) => {
    if (value === null) return 'none';
    if (typeof value.level === 'string') return LEVEL_LABELS[value.level as ObjectiveLevel] ?? value.level;
    if (typeof value.attainment === 'number') return `attainment ${value.attainment}`;
    if (typeof value.stage === 'string') return `stage ${value.stage}`;
    if (typeof value.points === 'number') return `${value.points} points`;
    if (typeof value.title === 'string') return `signed off “${value.title}”`;
    return JSON.stringify(value);
  };
  return entry.kind === 'assessment' ? show(entry.new) : `${show(entry.old)} → ${show(entry.new)}`;
}
