/** Who is signed in: loaded from `GET /api/v1/session`; the CSRF token goes to the API client. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, apiDelete, apiGet, apiPost, onUnauthorized, setCsrfToken } from './client.js';
import type { SessionInfo } from './types.js';

interface SessionState {
  session: SessionInfo | null;
  /** False until the first `GET /api/v1/session` answered. */
  known: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [known, setKnown] = useState(false);
  const accept = useCallback((s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken ?? '');
    setSession(s);
    setKnown(true);
  }, []);
  useEffect(() => {
    apiGet<SessionInfo>('/api/v1/session').then(accept, () => accept(null));
    return onUnauthorized(() => accept(null));
  }, [accept]);
  const signIn = useCallback(async (token: string) => {
    accept(await apiPost<SessionInfo>('/api/v1/session', { token }));
  }, [accept]);
  const signOut = useCallback(async () => {
    try {
      await apiDelete('/api/v1/session');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
    accept(null);
  }, [accept]);
  const value = useMemo(() => ({ session, known, signIn, signOut }), [session, known, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
