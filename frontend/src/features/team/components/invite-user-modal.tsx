import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { EmailInput } from '@/components/form/email-input';
import { validateEmail } from '@/lib/validation';

import { type TeamRole, useInviteUser } from '../api/invite-user';

type InviteUserModalProps = { opened: boolean; onClose: () => void };

export const TEAM_ROLES: TeamRole[] = ['FINANCE_USER', 'COMPANY_ADMIN'];

export function InviteUserModal({ opened, onClose }: InviteUserModalProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('FINANCE_USER');
  const [submitted, setSubmitted] = useState(false);
  const invite = useInviteUser();

  const close = () => {
    setEmail('');
    setName('');
    setRole('FINANCE_USER');
    setSubmitted(false);
    invite.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!validateEmail(email).valid || name.trim() === '') return;
    invite.mutate(
      { email: email.trim(), full_name: name.trim(), role },
      {
        onSuccess: (user) => {
          notifications.show({
            color: 'teal',
            message: t('team.invited', { email: user.email }),
          });
          close();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title={t('team.inviteTitle')} centered>
      <form onSubmit={submit} noValidate data-testid="invite-form">
        <Stack gap="sm">
          <TextInput
            label={t('fields.fullName')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            error={submitted && name.trim() === '' ? t('validation.required') : undefined}
            data-autofocus
          />
          <EmailInput value={email} onChange={setEmail} required showError={submitted} />
          <Select
            label={t('team.role')}
            value={role}
            onChange={(value) => setRole((value as TeamRole | null) ?? 'FINANCE_USER')}
            allowDeselect={false}
            data={TEAM_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
          />
          {invite.isError && <ApiErrorAlert error={invite.error} withDetails />}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending}>
              {t('team.sendInvite')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
