import { Button } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { InviteUserModal } from '@/features/team/components/invite-user-modal';
import { TeamTable } from '@/features/team/components/team-table';
import { useCan, useMe } from '@/lib/auth';

import { PageHeader } from './page-header';

export function TeamRoute() {
  const { t } = useTranslation();
  const me = useMe().data;
  const canManage = useCan('team:manage');
  const [inviting, setInviting] = useState(false);
  return (
    <>
      <title>{t('pageTitle.team')}</title>
      <PageHeader
        title={t('team.title')}
        subtitle={t('team.subtitle')}
        actions={
          canManage && (
            <Button
              leftSection={<IconUserPlus size={16} aria-hidden />}
              onClick={() => setInviting(true)}
              data-testid="invite-user"
            >
              {t('team.invite')}
            </Button>
          )
        }
      />
      <TeamTable currentUserId={me?.user.id ?? ''} />
      <InviteUserModal opened={inviting} onClose={() => setInviting(false)} />
    </>
  );
}
