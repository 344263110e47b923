import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { assessorApi, LEVEL_LABELS, type Objective, type ObjectiveLevel } from '../assessor-api';
import type { Session } from '../session';
import { ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import { AuditList } from './audit-list';

/** Every element's statement of objective with its rating; assessors and admins rate with a reason. */
export function ObjectivesSection({ session }: { session: Session }) {
  const { resource, reload } = useResource(() => assessorApi.objectives(session.orgId), [session.orgId]);
  const canRate = session.role === 'admin' || session.role === 'assessor';
  return (
    <section aria-labelledby="objectives-title">
      <h2 id="objectives-title">Statements of objective</h2>
      <p class="muted small">
        30 % of each element. Unrated earns nothing; every rating needs a reason and is kept in the audit
        trail.
      </p>
      <Show resource={resource} retry={reload} what="Loading objectives">
        {({ objectives }) => (
          <ul class="card-list">
            {objectives.map((objective) => (
              <ObjectiveCard
                key={objective.elementId}
                objective={objective}
                session={session}
                canRate={canRate}
                onRated={reload}
              />
            ))}
          </ul>
        )}
      </Show>
    </section>
  );
}

function ObjectiveCard({
  objective,
  session,
  canRate,
  onRated,
}: {
  objective: Objective;
  session: Session;
  canRate: boolean;
  onRated: () => void;
}) {
  const [open, setOpen] = useState(false);
  const { rating } = objective;
  return (
    <li class="card" data-element={objective.elementId}>
      <strong>
        {objective.elementId} {objective.name}
      </strong>{' '}
      <span class={`badge level-${rating?.level ?? 'unrated'}`}>
        {rating ? LEVEL_LABELS[rating.level] : 'Unrated'}
      </span>
      <p class="small">{objective.objective}</p>
      {rating && (
        <p class="muted small">
          “{rating.reason}” — {rating.ratedBy}, {formatDateTime(rating.ratedAt)}
          {rating.evidenceLinks.map((link) => (
            <>
              {' · '}
              <a href={link} rel="noopener noreferrer" target="_blank">
                evidence
              </a>
            </>
          ))}
        </p>
      )}
      <button type="button" class="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {canRate ? `Rate ${objective.elementId}` : `History of ${objective.elementId}`}
      </button>
      {open && (
        <div class="stack">
          {canRate && <RatingForm objective={objective} orgId={session.orgId} onRated={onRated} />}
          <ElementAudit orgId={session.orgId} subject={objective.elementId} revision={rating?.ratedAt} />
        </div>
      )}
    </li>
  );
}

function RatingForm({
  objective,
  orgId,
  onRated,
}: {
  objective: Objective;
  orgId: string;
  onRated: () => void;
}) {
  const [level, setLevel] = useState<ObjectiveLevel>(objective.rating?.level ?? 'partially');
  const [reason, setReason] = useState('');
  const [links, setLinks] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const id = `rate-${objective.elementId}`;
  return (
    <form
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        const evidenceLinks = links.split(/\s+/).filter(Boolean);
        assessorApi
          .rate(orgId, { elementId: objective.elementId, level, reason, evidenceLinks })
          .then(() => {
            setReason('');
            setLinks('');
            onRated();
          }, setError)
          .finally(() => setBusy(false));
      }}
    >
      <fieldset>
        <legend>Achievement of the objective</legend>
        {(Object.keys(LEVEL_LABELS) as ObjectiveLevel[]).map((option) => (
          <label key={option} class="inline">
            <input
              type="radio"
              name={`${id}-level`}
              checked={level === option}
              onChange={() => setLevel(option)}
            />{' '}
            {LEVEL_LABELS[option]}
          </label>
        ))}
      </fieldset>
      <label for={`${id}-reason`}>Reason</label>
      <textarea
        id={`${id}-reason`}
        required
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <label for={`${id}-links`}>Evidence links (optional, one per line)</label>
      <textarea id={`${id}-links`} rows={2} value={links} onInput={(e) => setLinks(e.currentTarget.value)} />
      {error && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy}>
        Save rating
      </button>
    </form>
  );
}

/** The audit entries of one element or indicator; reloads when the rating changes. */
export function ElementAudit({
  orgId,
  subject,
  revision,
}: {
  orgId: string;
  subject: string;
  revision?: string;
}) {
  const { resource, reload } = useResource(
    () => assessorApi.audit(orgId, { subject, limit: 20 }),
    [orgId, subject, revision],
  );
  return (
    <Show resource={resource} retry={reload} what="Loading the audit trail">
      {({ entries }) => <AuditList entries={entries} label={`Changes to ${subject}`} />}
    </Show>
  );
}
