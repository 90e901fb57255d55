import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { useCan, useMe } from '@/lib/auth';
import type { Permission } from '@/lib/permissions';

/** Shows the page only to roles with the permission (the API refuses the others anyway). */
export function PermissionGate({
  permission,
  children,
}: {
  permission: Permission;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = useCan(permission);
  if (me.data === undefined) return null;
  if (!allowed) {
    return (
      <Alert
        color="orange"
        title={t('errors.forbidden')}
        icon={<IconLock aria-hidden />}
        role="alert"
      >
        {t('admin.forbidden')}
      </Alert>
    );
  }
  return <>{children}</>;
}
