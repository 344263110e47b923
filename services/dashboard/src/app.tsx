import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, whenSignedOut } from './api';
import { currentRoute, navigate, useRoute } from './router';
import { currentSession, type Session, signOut, viewsFor } from './session';
import { ErrorNotice, Loading } from './ui';
import { ActionsView } from './views/actions';
import { AssessmentView } from './views/assessments';
import { ChannelsView } from './views/channels';
import { FeedbackView } from './views/feedback';
import { InboxView } from './views/inbox';
import { JourneyView } from './views/journey';
import { LoyaltyView } from './views/loyalty';
import { ScoresView } from './views/scores';
import { SignInView } from './views/sign-in';
import { SurveysView } from './views/surveys';
import { TopicsView } from './views/topics';
import { TrendsView } from './views/trends';

type SessionState =
  | { state: 'checking' }
  | { state: 'signed-out' }
  | { state: 'error'; error: ApiError }
  | Session;

export function App() {
  const [session, setSession] = useState<SessionState>({ state: 'checking' });
  const check = () =>
    currentSession().then(setSession, (error: ApiError) =>
      setSession(error.status === 401 ? { state: 'signed-out' } : { state: 'error', error }),
    );
  useEffect(() => {
    whenSignedOut(() => setSession({ state: 'signed-out' }));
    check();
  }, []);

  if ('orgId' in session)
    return <SignedIn session={session} onSignOut={() => setSession({ state: 'signed-out' })} />;
  return (
    <main class="centered">
      {session.state === 'checking' && <Loading what="Checking your session" />}
      {session.state === 'error' && <ErrorNotice error={session.error} retry={check} />}
      {session.state === 'signed-out' && <SignInView onSignedIn={setSession} />}
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const views = viewsFor(session.role);
  const current = views.find((view) => view.path === route.parts[0]);
  useEffect(() => {
    // Effects run after paint: by then the person (or a link) may have opened a view already, so look at the
    // fragment as it is now, not as it was rendered.
    const opened = currentRoute().parts[0];
    if (!current && views[0] && !views.some((view) => view.path === opened)) navigate(`/${views[0].path}`);
  }, [current, views]);
  const [menuOpen, setMenuOpen] = useState(false);
  const viewPath = route.parts.join('/');
  const firstView = useRef(true);
  useEffect(() => {
    // A new view (or a case within one) takes focus to its heading, so a keyboard or screen-reader user
    // starts there instead of at the top of the page; a view still loading gets focus on <main>. The view
    // shown at sign-in keeps the page's start, where "Skip to content" is the first stop.
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    const main = document.getElementById('main');
    const heading = main?.querySelector<HTMLElement>('h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus();
    } else main?.focus();
  }, [viewPath]);

  return (
    <>
      {/* Views live in the URL fragment, so a link to "#main" would navigate away: this moves focus only. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <span class="brand">cxloop</span>
        <span class="org" title={`Signed in as ${session.role}`}>
          {session.orgName} · {session.role}
        </span>
        <button
          type="button"
          class="menu-toggle secondary small"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Views">
          {views.map((view) => (
            <a
              key={view.path}
              href={`#/${view.path}`}
              aria-current={current?.path === view.path ? 'page' : undefined}
              onClick={() => setMenuOpen(false)}
            >
              {view.label}
            </a>
          ))}
          <button type="button" class="link" onClick={() => signOut().finally(onSignOut)}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {current?.path === 'scores' && <ScoresView session={session} route={route} />}
        {current?.path === 'trends' && <TrendsView session={session} route={route} />}
        {current?.path === 'feedback' && <FeedbackView session={session} route={route} />}
        {current?.path === 'inbox' && <InboxView session={session} route={route} />}
        {current?.path === 'channels' && <ChannelsView route={route} />}
        {current?.path === 'surveys' && <SurveysView session={session} route={route} />}
        {current?.path === 'assessment' && <AssessmentView session={session} route={route} />}
        {current?.path === 'journey' && <JourneyView session={session} route={route} />}
        {current?.path === 'actions' && <ActionsView session={session} route={route} />}
        {current?.path === 'loyalty' && <LoyaltyView session={session} />}
        {current?.path === 'topics' && <TopicsView session={session} route={route} />}
      </main>
    </>
  );
}
