import { type AuditEntry, describeChange } from '../assessor-api';
import { Empty, formatDateTime } from '../ui';

/** Manual changes, newest first: who, when, old → new, and why. */
export function AuditList({ entries, label }: { entries: readonly AuditEntry[]; label: string }) {
  if (entries.length === 0) return <Empty>No manual change yet.</Empty>;
  return (
    <ol class="audit" aria-label={label}>
      {entries.map((entry) => (
        <li key={entry.id}>
          <strong>{entry.subject}</strong> {describeChange(entry)}{' '}
          <span class="muted small">
            by {entry.actor}, {formatDateTime(entry.at)}
          </span>
          <div class="small">{entry.reason}</div>
        </li>
      ))}
    </ol>
  );
}
