import { formatDateTime } from '../ui';
import { type CaseSummary, CLOSED, type Member, SLA_WORDS, slaCountdown } from './cases';

/** The case's current deadline, counting down; the state word is written out, not left to the colour. */
export function SlaBadge({ item, now }: { item: CaseSummary; now: number }) {
  const countdown = CLOSED.has(item.status) ? undefined : slaCountdown(item, now);
  if (!countdown) return <span class="muted">closed {formatDateTime(item.closedAt)}</span>;
  return (
    <span
      class={`sla sla-${countdown.state}`}
      data-sla={countdown.state}
      title={`due ${formatDateTime(item.sla.dueAt)}`}
    >
      {SLA_WORDS[countdown.state]} · {item.firstResponseAt ? 'resolve' : 'respond'}: {countdown.text}
    </span>
  );
}

/** A picker that hands the case to a member of the organisation (or to nobody). */
export function AssignControl({
  item,
  members,
  onAssign,
  label = 'Assign to',
  labelHidden = false,
}: {
  item: CaseSummary;
  members: readonly Member[];
  onAssign: (assigneeId: string | null) => void;
  label?: string;
  /** In a table row the column says it; the label stays for screen readers. */
  labelHidden?: boolean;
}) {
  const id = `assign-${item.id}`;
  return (
    <span class="assign">
      <label for={id} class={labelHidden ? 'visually-hidden' : 'small'}>
        {label}
      </label>{' '}
      <select
        id={id}
        value={item.assigneeId ?? ''}
        onChange={(event) => onAssign(event.currentTarget.value || null)}
      >
        <option value="">nobody</option>
        {members.map((member) => (
          <option key={member.id} value={member.id}>
            {member.name}
          </option>
        ))}
      </select>
    </span>
  );
}
