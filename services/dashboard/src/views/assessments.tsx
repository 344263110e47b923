import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { type AssessmentSummary, assessorApi, type Comparison } from '../assessor-api';
import type { Route } from '../router';
import type { Session } from '../session';
import {
  Empty,
  ErrorNotice,
  formatDateTime,
  formatPoints,
  formatSigned,
  Show,
  StageBadge,
  useResource,
} from '../ui';
import { AuditList } from './audit-list';
import { OverridesSection, TargetsSection } from './manual-inputs';
import { ObjectivesSection } from './objectives';

/** The assessor's work: objective ratings, overrides, targets, the audit trail, and official assessments. */
export function AssessmentView({ session }: { session: Session; route: Route }) {
  return (
    <section aria-labelledby="assessment-title" class="stack">
      <h1 id="assessment-title">Assessment</h1>
      <OfficialAssessments session={session} />
      <ObjectivesSection session={session} />
      <OverridesSection session={session} />
      <TargetsSection session={session} />
      <RecentChanges session={session} />
    </section>
  );
}

function RecentChanges({ session }: { session: Session }) {
  const { resource, reload } = useResource(
    () => assessorApi.audit(session.orgId, { limit: 30 }),
    [session.orgId],
  );
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      <button type="button" class="secondary small" onClick={reload}>
        Refresh
      </button>
      <Show resource={resource} retry={reload} what="Loading the audit trail">
        {({ entries }) => <AuditList entries={entries} label="Recent manual changes" />}
      </Show>
    </section>
  );
}

function OfficialAssessments({ session }: { session: Session }) {
  const { resource, reload } = useResource(() => assessorApi.assessments(session.orgId), [session.orgId]);
  const canFreeze = session.role === 'admin' || session.role === 'assessor';
  return (
    <section aria-labelledby="official-title">
      <h2 id="official-title">Official assessments</h2>
      {canFreeze && <FreezeForm orgId={session.orgId} onFrozen={reload} />}
      <Show resource={resource} retry={reload} what="Loading assessments">
        {({ assessments }) =>
          assessments.length === 0 ? (
            <Empty>
              No assessment signed off yet. Freeze the live score every six months to compare progress.
            </Empty>
          ) : (
            <>
              <ul class="card-list">
                {assessments.map((assessment) => (
                  <li key={assessment.id} class="card" data-assessment={assessment.title}>
                    <strong>{assessment.title}</strong> {formatPoints(assessment.total)} points{' '}
                    <StageBadge stage={assessment.stage} />{' '}
                    <span class="muted small">
                      signed off by {assessment.signedOffBy}, {formatDateTime(assessment.frozenAt)}
                    </span>{' '}
                    <a href={assessorApi.exportUrl(session.orgId, assessment.id, 'export.csv')} download>
                      CSV
                    </a>{' '}
                    ·{' '}
                    <a
                      href={assessorApi.exportUrl(session.orgId, assessment.id, 'report.html')}
                      target="_blank"
                      rel="noopener"
                    >
                      Printable report
                    </a>
                  </li>
                ))}
              </ul>
              {assessments.length >= 2 && (
                <CompareAssessments orgId={session.orgId} assessments={assessments} />
              )}
            </>
          )
        }
      </Show>
    </section>
  );
}

function FreezeForm({ orgId, onFrozen }: { orgId: string; onFrozen: () => void }) {
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card stack"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        assessorApi
          .freeze(orgId, { title, note })
          .then(() => {
            setTitle('');
            setNote('');
            onFrozen();
          }, setError)
          .finally(() => setBusy(false));
      }}
    >
      <label for="freeze-title">Title</label>
      <input id="freeze-title" required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <label for="freeze-note">Note for the board (optional)</label>
      <textarea id="freeze-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      {error && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy}>
        Freeze and sign off
      </button>
    </form>
  );
}

function CompareAssessments({ orgId, assessments }: { orgId: string; assessments: AssessmentSummary[] }) {
  const [before, setBefore] = useState(assessments[1]!.id);
  const [after, setAfter] = useState(assessments[0]!.id);
  const [result, setResult] = useState<Comparison>();
  const [error, setError] = useState<ApiError>();
  const choose = (id: string, value: string, set: (value: string) => void) => (
    <select id={id} value={value} onChange={(e) => set(e.currentTarget.value)}>
      {assessments.map((assessment) => (
        <option key={assessment.id} value={assessment.id}>
          {assessment.title}
        </option>
      ))}
    </select>
  );
  return (
    <div class="card stack">
      <h3>Compare</h3>
      <label for="compare-before">From</label>
      {choose('compare-before', before, setBefore)}
      <label for="compare-after">To</label>
      {choose('compare-after', after, setAfter)}
      <button
        type="button"
        onClick={() => {
          setError(undefined);
          assessorApi.compare(orgId, after, before).then(setResult, setError);
        }}
      >
        Compare
      </button>
      {error && <ErrorNotice error={error} />}
      {result && <ComparisonTable result={result} />}
    </div>
  );
}

function ComparisonTable({ result }: { result: Comparison }) {
  const { comparison } = result;
  return (
    <>
      <p>
        {result.before.title} → {result.after.title}: {formatPoints(comparison.total.before)} →{' '}
        {formatPoints(comparison.total.after)} ({formatSigned(comparison.total.delta)} points)
      </p>
      <div class="table-wrap">
        <table aria-label="Comparison per element">
          <thead>
            <tr>
              <th>Element</th>
              <th>Before</th>
              <th>After</th>
              <th>Change</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {comparison.elements.map((element) => (
              <tr key={element.elementId} data-element={element.elementId}>
                <td>
                  {element.elementId} {element.name}
                </td>
                <td>
                  {formatPoints(element.before.points)} <StageBadge stage={element.before.stage} />
                </td>
                <td>
                  {formatPoints(element.after.points)} <StageBadge stage={element.after.stage} />
                </td>
                <td>{formatSigned(element.delta)}</td>
                <td class="small">
                  {[
                    ...element.manual,
                    ...element.why
                      .filter((cause) => cause.kind === 'indicator')
                      .slice(0, 3)
                      .map((cause) => `${cause.indicatorId} ${formatSigned(cause.points)}`),
                  ].join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
