import {
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Select,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ScrollTable } from '@/components/scroll-table';
import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDateTime } from '@/lib/format';

import type { TeamRole } from '../api/invite-user';
import { type TeamUser, useUsers } from '../api/list-users';
import { useResendInvitation } from '../api/resend-invitation';
import { useUpdateUser } from '../api/update-user';
import { TEAM_ROLES } from './invite-user-modal';

function StatusBadge({ user }: { user: TeamUser }) {
  const { t } = useTranslation();
  if (!user.is_active) return <Badge color="gray">{t('team.status.inactive')}</Badge>;
  if (user.invitation_pending) return <Badge color="yellow">{t('team.status.invited')}</Badge>;
  return <Badge color="teal">{t('team.status.active')}</Badge>;
}

function UserRow({ user, currentUserId }: { user: TeamUser; currentUserId: string }) {
  const { t, i18n } = useTranslation();
  const update = useUpdateUser();
  const resend = useResendInvitation();
  const self = user.id === currentUserId;
  const fail = (error: Error) =>
    notifications.show({ color: 'red', title: t('errors.generic'), message: error.message });
  return (
    <Table.Tr data-testid="team-row">
      <Table.Td>
        <Text size="sm" fw={600}>
          {user.full_name}
        </Text>
        <Text size="xs" c="dimmed" dir="ltr" ta="start">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        {user.role === 'SUPER_ADMIN' || self ? (
          <Text size="sm">{t(`roles.${user.role}`)}</Text>
        ) : (
          <Select
            size="xs"
            aria-label={t('team.roleOf', { name: user.full_name })}
            value={user.role}
            allowDeselect={false}
            disabled={update.isPending}
            data={TEAM_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
            onChange={(value) => {
              if (value && value !== user.role) {
                update.mutate({ id: user.id, role: value as TeamRole }, { onError: fail });
              }
            }}
            w={180}
          />
        )}
      </Table.Td>
      <Table.Td>
        <StatusBadge user={user} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(user.last_login_at, i18n.language)}</Text>
      </Table.Td>
      <Table.Td>
        {!self && (
          <Menu position="bottom-end">
            <Menu.Target>
              <Button
                variant="subtle"
                size="xs"
                aria-label={t('team.actionsFor', { name: user.full_name })}
              >
                <IconDots size={16} aria-hidden />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {user.invitation_pending && user.is_active && (
                <Menu.Item
                  onClick={() =>
                    resend.mutate(user.id, {
                      onSuccess: () =>
                        notifications.show({
                          color: 'teal',
                          message: t('team.invited', { email: user.email }),
                        }),
                      onError: fail,
                    })
                  }
                >
                  {t('team.resend')}
                </Menu.Item>
              )}
              <Menu.Item
                color={user.is_active ? 'red' : undefined}
                onClick={() =>
                  update.mutate({ id: user.id, is_active: !user.is_active }, { onError: fail })
                }
              >
                {user.is_active ? t('team.deactivate') : t('team.reactivate')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function TeamTable({ currentUserId }: { currentUserId: string }) {
  const { t } = useTranslation();
  const users = useUsers(1, 200);
  if (users.isError) return <ApiErrorAlert error={users.error} />;
  return (
    <Paper withBorder radius="md">
      <ScrollTable minWidth={720} label={t('team.title')}>
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('team.columns.user')}</Table.Th>
              <Table.Th>{t('team.columns.role')}</Table.Th>
              <Table.Th>{t('team.columns.status')}</Table.Th>
              <Table.Th>{t('team.columns.lastLogin')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data?.items.map((user) => (
              <UserRow key={user.id} user={user} currentUserId={currentUserId} />
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {users.isPending && (
        <Group justify="center" p="md">
          <Text c="dimmed">{t('common.loading')}</Text>
        </Group>
      )}
    </Paper>
  );
}
