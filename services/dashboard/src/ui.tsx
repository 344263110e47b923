import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export type Resource<T> =
  | { state: 'loading'; data?: T }
  | { state: 'error'; error: ApiError; data?: T }
  | { state: 'ready'; data: T };

/**
 * Loads data for a view and reloads it when `deps` change or `reload()` is called. A reload keeps showing the
 * previous data, so a refreshing list does not flash empty; a stale answer never overwrites a newer one.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setResource((previous) => ({ state: 'loading', data: previous.data }));
    load().then(
      (data) => mine === generation.current && setResource({ state: 'ready', data }),
      (error: unknown) =>
        mine === generation.current &&
        setResource((previous) => ({
          state: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'Unexpected error', String(error)),
          data: previous.data,
        })),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { resource, reload, setData: (data: T) => setResource({ state: 'ready', data }) };
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function ErrorNotice({ error, retry }: { error: ApiError; retry?: () => void }) {
  return (
    <div class="notice error" role="alert">
      <strong>{error.title}</strong>
      {error.detail && <span> — {error.detail}</span>}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
      {retry && (
        <button type="button" class="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** Renders a resource: loading, error (with retry) or the view of its data. */
export function Show<T>({
  resource,
  retry,
  what,
  children,
}: {
  resource: Resource<T>;
  retry?: () => void;
  what?: string;
  children: (data: T) => ComponentChildren;
}) {
  return (
    <>
      {resource.state === 'error' && <ErrorNotice error={resource.error} retry={retry} />}
      {resource.data !== undefined
        ? children(resource.data)
        : resource.state === 'loading' && <Loading what={what} />}
    </>
  );
}

export const STAGE_NAMES: Record<string, string> = {
  ignore: 'Ignore',
  explore: 'Explore',
  mobilize: 'Mobilize',
  operationalize: 'Operationalize',
  align: 'Align',
  embed: 'Embed',
};
export const STAGE_ORDER = Object.keys(STAGE_NAMES);

export function StageBadge({ stage }: { stage: string }) {
  return <span class={`stage stage-${stage}`}>{STAGE_NAMES[stage] ?? stage}</span>;
}

export function formatPoints(points: number): string {
  return points.toFixed(1).replace(/\.0$/, '');
}

export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatSigned(value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatPoints(Math.abs(value))}`;
}

/** Copies text to the clipboard; `label` shows "Copied" briefly as the confirmation. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="secondary small"
      onClick={() =>
        navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : label}
    </button>
  );
}
