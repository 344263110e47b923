import { api } from './api';

export type Role = 'admin' | 'manager' | 'responder' | 'assessor';

export interface Session {
  orgId: string;
  orgName: string;
  role: Role;
}

export const currentSession = () => api.get<Session>('/v1/session');
export const signIn = (apiKey: string) => api.post<Session>('/v1/session', { apiKey });
export const signOut = () => api.delete<void>('/v1/session');

/** The views, in navigation order, and the roles that see each. */
export const VIEWS = [
  { path: 'scores', label: 'Scores', roles: ['admin', 'manager', 'assessor'] },
  { path: 'assessment', label: 'Assessment', roles: ['admin', 'manager', 'assessor'] },
  { path: 'trends', label: 'Trends', roles: ['admin', 'manager', 'assessor'] },
  { path: 'feedback', label: 'Feedback', roles: ['admin', 'manager'] },
  // Managers read the queue and hand out work (assign); they do not reply to or close cases.
  { path: 'inbox', label: 'Inbox', roles: ['admin', 'responder', 'manager'] },
  { path: 'channels', label: 'Channels', roles: ['admin'] },
  { path: 'surveys', label: 'Staff surveys', roles: ['admin', 'manager', 'assessor'] },
  { path: 'journey', label: 'Journey', roles: ['admin', 'manager', 'assessor'] },
  { path: 'actions', label: 'Actions', roles: ['admin', 'manager', 'responder', 'assessor'] },
  { path: 'loyalty', label: 'Loyalty & value', roles: ['admin', 'manager', 'assessor'] },
  { path: 'topics', label: 'Topics', roles: ['admin', 'manager'] },
] as const satisfies readonly { path: string; label: string; roles: readonly Role[] }[];

export type ViewPath = (typeof VIEWS)[number]['path'];

export function viewsFor(role: Role) {
  return VIEWS.filter((view) => (view.roles as readonly Role[]).includes(role));
}
