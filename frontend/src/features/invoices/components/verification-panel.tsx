import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';

import { useVerifyInvoice } from '../api/verify-invoice';

function Check({ label, ok }: { label: string; ok: boolean | undefined }) {
  const { t } = useTranslation();
  if (ok === undefined) return null;
  return (
    <Group justify="space-between">
      <Text size="sm">{label}</Text>
      <Badge color={ok ? 'teal' : 'red'} variant="light">
        {ok ? t('invoices.verify.ok') : t('invoices.verify.failed')}
      </Badge>
    </Group>
  );
}

/** Hash chain and signature of an issued document, checked again by the API on each visit. */
export function VerificationPanel({ invoiceId }: { invoiceId: string }) {
  const { t } = useTranslation();
  const verify = useVerifyInvoice(invoiceId, true);
  if (verify.isSuccess && verify.data === null) return null; // no verification on this server
  return (
    <Paper withBorder radius="md" p="md" data-testid="verification">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h5">
            {t('invoices.verify.title')}
          </Title>
          {verify.data &&
            (verify.data.valid ? (
              <Badge
                color="teal"
                leftSection={<IconShieldCheck size={14} aria-hidden />}
                data-testid="verification-result"
                data-valid="true"
              >
                {t('invoices.verify.intact')}
              </Badge>
            ) : (
              <Badge
                color="red"
                leftSection={<IconShieldX size={14} aria-hidden />}
                data-testid="verification-result"
                data-valid="false"
              >
                {t('invoices.verify.broken')}
              </Badge>
            ))}
        </Group>
        {verify.isPending && (
          <Text size="sm" c="dimmed">
            {t('common.loading')}
          </Text>
        )}
        {verify.isError && <ApiErrorAlert error={verify.error} />}
        {verify.data && (
          <>
            <Check label={t('invoices.verify.hash')} ok={verify.data.hash_ok} />
            <Check label={t('invoices.verify.chain')} ok={verify.data.chain_ok} />
            <Check label={t('invoices.verify.signature')} ok={verify.data.signature_ok} />
            {verify.data.position !== undefined && (
              <Text size="xs" c="dimmed">
                {t('invoices.verify.position', {
                  position: verify.data.position,
                  series: verify.data.series ?? '',
                })}
              </Text>
            )}
            {(verify.data.details ?? []).length > 0 && (
              <List size="sm" c="red.8">
                {(verify.data.details ?? []).map((detail, index) => (
                  <List.Item key={index}>{detail.message}</List.Item>
                ))}
              </List>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
