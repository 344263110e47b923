import { useEffect, useRef } from 'preact/hooks';

/** The keyboard shortcuts of the inbox and the case page, listed where "?" opens them. */
const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['j / k', 'next / previous case in the list'],
  ['Enter or o', 'open the selected case'],
  ['c', 'claim the selected (or open) case'],
  ['r', 'write a reply to the open case'],
  ['e', 'resolve the open case (with the reply you wrote, if any: sent, then resolved on delivery)'],
  ['Ctrl+Enter', 'in the reply box: send; with Shift: send and resolve'],
  ['u', 'back to the inbox'],
  ['?', 'show or hide this help'],
];

/** A non-modal help panel: focus moves into it when it opens and back when Escape or Close shuts it. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    heading.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);
  return (
    <div class="card shortcut-help" role="dialog" aria-labelledby="shortcut-help-title">
      <h2 id="shortcut-help-title" tabIndex={-1} ref={heading}>
        Keyboard shortcuts
      </h2>
      <dl class="kv">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
