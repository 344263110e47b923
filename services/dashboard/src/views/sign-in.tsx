import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { type Session, signIn } from '../session';
import { ErrorNotice } from '../ui';

/**
 * Sign-in with an API key. The key is sent once and exchanged for an httpOnly session cookie; it is never
 * kept in the page or in storage, and the field is cleared whatever the answer.
 */
export function SignInView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        signIn(key.trim())
          .then(onSignedIn, setError)
          .finally(() => {
            setKey('');
            setBusy(false);
          });
      }}
    >
      <h1>Sign in to cxloop</h1>
      <p class="muted">
        Paste an API key of your organisation. Its role decides what you see: managers the scores, response
        teams the inbox, admins everything including channel set-up.
      </p>
      <label for="api-key">API key</label>
      <input
        id="api-key"
        name="api-key"
        type="password"
        autocomplete="off"
        placeholder="cxk_…"
        required
        value={key}
        onInput={(event) => setKey(event.currentTarget.value)}
      />
      {error && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy || key.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
