// The signed-in session: who the user is, their CSRF token and what they may read and write per admin area.
// One query (`['session']`); a 401 anywhere means the session is gone and the app shows the sign-in page.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { ApiError, api, setCsrfToken } from './client';

export type Role = 'administrator' | 'marketer' | 'analyst';
export type AdminArea = 'tracking' | 'contacts' | 'email' | 'administration';

export interface Session {
  user: { id: string; email: string; name: string | null; role: Role };
  csrfToken: string;
  permissions: Partial<Record<AdminArea, { read: boolean; write: boolean }>>;
}

export const SESSION_KEY = ['session'] as const;

/**
 * Spoor marks the page it serves to a browser without a session cookie: then there is nothing to ask the
 * API. Read once (a later sign-in makes it untrue).
 */
function consumeSignedOutHint(): boolean {
  const hint = document.querySelector('meta[name="spoor-session"]');
  hint?.remove();
  return hint?.getAttribute('content') === 'none';
}

async function fetchSession(): Promise<Session | null> {
  if (consumeSignedOutHint()) return null;
  try {
    const { data } = await api.GET('/api/session');
    return (data as Session | undefined) ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** The session query: `null` when signed out. */
export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000, retry: false });
}

const SessionContext = createContext<Session | null>(null);

/** Provides a signed-in session to the pages under it (the app renders it only once signed in). */
export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  setCsrfToken(session.csrfToken);
  return <SessionContext value={session}>{children}</SessionContext>;
}

/** The signed-in session (inside the signed-in app). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() is used outside the signed-in app.');
  return session;
}

/** Whether the session may change things in an admin area: write buttons are hidden when not. */
export function useCanWrite(area: AdminArea): boolean {
  return useSession().permissions[area]?.write === true;
}

/** Whether the session may read an admin area (nav entries and pages are hidden when not). */
export function useCanRead(area: AdminArea): boolean {
  return useSession().permissions[area]?.read === true;
}

/** Signs in; the session query then holds the new session. Throws ApiError (401, 403, 429) otherwise. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return async (email: string, password: string) => {
    const { data } = await api.POST('/api/session', { body: { email, password } });
    queryClient.setQueryData(SESSION_KEY, data as Session);
  };
}

/** Signs this browser out, or every session of the user (`everywhere`), and forgets every cached answer. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return async (everywhere = false) => {
    if (everywhere) await api.DELETE('/api/sessions');
    else await api.DELETE('/api/session');
    setCsrfToken(undefined);
    // The session query's observer (the app) must see it become null: clearing the whole cache would
    // detach it from the query it watches. Every other answer is forgotten.
    queryClient.setQueryData(SESSION_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  };
}
