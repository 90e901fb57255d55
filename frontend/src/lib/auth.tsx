/**
 * The signed-in session: who the user is (GET /me) and whether there is a session at all.
 *
 * The access token stays in lib/api.ts's memory. A page load starts without one, so the session
 * first asks POST /auth/refresh (the httpOnly cookie) for a new one: a reload keeps the user
 * signed in without the token ever touching storage. The refresh runs only when a page needs the
 * session (public pages never wait for it). When a request is still unauthorised after a refresh,
 * the session ends and the guard sends the user to sign-in, remembering the page.
 */
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

import {
  api,
  getAccessToken,
  refreshAccessToken,
  setAccessToken,
  setSessionExpiredHandler,
} from '@/lib/api';
import { type Permission, type Role, hasPermission } from '@/lib/permissions';

export type MfaMethod = 'totp' | 'email' | 'backup_code';

export type Me = {
  user: {
    id: string;
    email: string;
    full_name: string;
    role: Role;
    mfa_enabled: boolean;
    mfa_methods: MfaMethod[];
    backup_codes_remaining: number;
  };
  company: {
    id: string;
    legal_name: string;
    trn: string;
    status: string;
    plan_code: string;
    mfa_required: boolean;
  } | null;
  mfa_enrolment_required: boolean;
};

/** unknown: not checked yet; anonymous: no session; authenticated: a token is held. */
export type SessionStatus = 'unknown' | 'checking' | 'anonymous' | 'authenticated';

export const meQueryOptions = () =>
  queryOptions({
    queryKey: ['me'],
    queryFn: () => api<Me>('/me'),
    staleTime: 5 * 60_000,
    retry: false,
  });

type SessionContextValue = {
  status: SessionStatus;
  /** Why the last session ended ("expired" after a refused refresh), for the sign-in page. */
  endReason: 'expired' | 'signed-out' | null;
  /** Starts the silent refresh once; pages that need a session call it. */
  ensureChecked: () => void;
  /** Keeps a fresh access token (after sign-in or MFA) and loads the user. */
  signIn: (accessToken: string) => void;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SessionStatus>(() =>
    getAccessToken() === null ? 'unknown' : 'authenticated',
  );
  const [endReason, setEndReason] = useState<SessionContextValue['endReason']>(null);

  const checkStarted = useRef(false);

  const ensureChecked = useCallback(() => {
    if (checkStarted.current) return;
    checkStarted.current = true;
    if (getAccessToken() !== null) return;
    setStatus('checking');
    void refreshAccessToken().then((ok) => setStatus(ok ? 'authenticated' : 'anonymous'));
  }, []);

  const signIn = useCallback(
    (accessToken: string) => {
      setAccessToken(accessToken);
      setEndReason(null);
      queryClient.removeQueries({ queryKey: ['me'] });
      setStatus('authenticated');
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // The cookie is cleared server-side when it can be; locally the session ends anyway.
    }
    setAccessToken(null);
    queryClient.clear();
    setEndReason('signed-out');
    setStatus('anonymous');
  }, [queryClient]);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      setAccessToken(null);
      setEndReason('expired');
      setStatus('anonymous');
      queryClient.removeQueries({ queryKey: ['me'] });
    });
    return () => setSessionExpiredHandler(null);
  }, [queryClient]);

  const value = useMemo(
    () => ({ status, endReason, ensureChecked, signIn, signOut }),
    [status, endReason, ensureChecked, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession needs <SessionProvider>');
  return value;
}

/** The signed-in user (GET /me); only fetched while a session exists. */
export function useMe() {
  const { status } = useSession();
  return useQuery({ ...meQueryOptions(), enabled: status === 'authenticated' });
}

/** Whether the signed-in user's role grants `permission` (the API checks again). */
export function useCan(permission: Permission): boolean {
  const me = useMe().data;
  return hasPermission(me?.user.role, permission);
}

/** Where a user lands after sign-in when no page was remembered. */
export function homePathFor(role: Role | undefined): string {
  return role === 'SUPER_ADMIN' ? '/admin' : '/dashboard';
}

/**
 * A same-site path to return to after sign-in, or null. Only paths on this site: a crafted
 * `?next=//evil.example` or `https://…` must not turn sign-in into an open redirect.
 */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return null;
  }
  return next;
}
