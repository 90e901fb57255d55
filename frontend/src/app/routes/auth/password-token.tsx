import { Alert, Button, Stack } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { PasswordTokenPurpose } from '@/features/auth/api/redeem-password-token';
import { AuthCard } from '@/features/auth/components/auth-card';
import { NewPasswordForm } from '@/features/auth/components/new-password-form';

/**
 * The token of an e-mailed link (/reset-password#token=… or /set-password#token=…). It travels
 * in the fragment, which the browser never sends to a server; it is read once and removed from
 * the address bar so it does not linger in history or get copied along with the URL.
 */
function useFragmentToken(): string | null {
  const [token] = useState(() =>
    new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token'),
  );
  useEffect(() => {
    if (token !== null && window.location.hash !== '') {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, [token]);
  return token;
}

export function PasswordTokenRoute({ purpose }: { purpose: PasswordTokenPurpose }) {
  const { t } = useTranslation();
  const token = useFragmentToken();
  const [done, setDone] = useState(false);
  const title =
    purpose === 'reset' ? t('auth.newPassword.resetTitle') : t('auth.newPassword.inviteTitle');
  return (
    <AuthCard
      title={title}
      subtitle={purpose === 'invite' ? t('auth.newPassword.inviteSubtitle') : undefined}
    >
      <title>{t(purpose === 'reset' ? 'pageTitle.resetPassword' : 'pageTitle.setPassword')}</title>
      {done ? (
        <Stack>
          <Alert color="teal" variant="light" role="status" data-testid="password-set">
            {t('auth.newPassword.done')}
          </Alert>
          <Button component={Link} to="/login">
            {t('auth.newPassword.signIn')}
          </Button>
        </Stack>
      ) : (
        <NewPasswordForm purpose={purpose} token={token} onDone={() => setDone(true)} />
      )}
    </AuthCard>
  );
}

export const ResetPasswordRoute = () => <PasswordTokenRoute purpose="reset" />;
export const SetPasswordRoute = () => <PasswordTokenRoute purpose="invite" />;
