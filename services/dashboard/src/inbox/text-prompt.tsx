import { useState } from 'preact/hooks';

/**
 * A button that opens a one-field form in place (a dismiss reason, a view or template name): submit hands
 * the trimmed text over and closes the form once `onSubmit` settles well; Cancel closes it unchanged.
 */
export function TextPrompt({
  openLabel,
  openClass = 'secondary',
  fieldId,
  fieldLabel,
  submitLabel,
  busy = false,
  disabled = false,
  onSubmit,
}: {
  openLabel: string;
  openClass?: string;
  fieldId: string;
  fieldLabel: string;
  submitLabel: string;
  busy?: boolean;
  disabled?: boolean;
  onSubmit: (text: string) => Promise<unknown> | undefined;
}) {
  const [text, setText] = useState<string>();
  if (text === undefined)
    return (
      <button type="button" class={openClass} disabled={busy || disabled} onClick={() => setText('')}>
        {openLabel}
      </button>
    );
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        const value = text.trim();
        if (!value) return;
        Promise.resolve(onSubmit(value)).then(
          () => setText(undefined),
          () => undefined,
        );
      }}
    >
      <label for={fieldId}>{fieldLabel}</label>
      <input id={fieldId} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" disabled={busy || !text.trim()}>
        {submitLabel}
      </button>
      <button type="button" class="link" onClick={() => setText(undefined)}>
        Cancel
      </button>
    </form>
  );
}
