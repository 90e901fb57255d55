import { Center, Loader } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { useMe, useSession } from '@/lib/auth';

export const MFA_SETUP_PATH = '/account/security';

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInPath(path: string, expired: boolean): string {
  const params = new URLSearchParams({ next: path });
  if (expired) params.set('expired', '1');
  return `/login?${params.toString()}`;
}

/**
 * Signed-in pages: restores the session from the refresh cookie, sends anonymous visitors to
 * sign-in (remembering the page), and holds users whose company requires MFA on the enrolment
 * page until they have set it up.
 */
export function RequireSession() {
  const { t } = useTranslation();
  const { status, endReason, ensureChecked } = useSession();
  const location = useLocation();
  const me = useMe();
  useEffect(() => ensureChecked(), [ensureChecked]);

  if (status === 'anonymous') {
    // After "sign out" there is nothing to come back to.
    if (endReason === 'signed-out') return <Navigate to="/login" replace />;
    const here = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={signInPath(here, endReason === 'expired')} replace />;
  }
  if (status !== 'authenticated' || me.isPending) {
    return (
      <Center h="60vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center p="xl">
        <ApiErrorAlert error={me.error} />
      </Center>
    );
  }
  if (me.data.mfa_enrolment_required && location.pathname !== MFA_SETUP_PATH) {
    const next = `${location.pathname}${location.search}`;
    return (
      <Navigate to={`${MFA_SETUP_PATH}?required=1&next=${encodeURIComponent(next)}`} replace />
    );
  }
  return <Outlet />;
}
