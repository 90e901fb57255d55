import { Badge, Divider, Group, Paper, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

// Display-only sample figures (fils, so the maths stays in integers).
const SUBTOTAL_FILS = 1_000_000;
const VAT_FILS = (SUBTOTAL_FILS * 5) / 100;

function useAed() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language === 'ar' ? 'ar-AE' : 'en-AE', {
    style: 'currency',
    currency: 'AED',
  });
  return (fils: number) => format.format(fils / 100);
}

/** A static picture of an issued invoice, so the landing page shows what the product does. */
export function InvoicePreview() {
  const { t } = useTranslation();
  const aed = useAed();
  const rows = [
    { label: t('home.preview.subtotal'), fils: SUBTOTAL_FILS },
    { label: t('home.preview.vat'), fils: VAT_FILS },
  ];
  return (
    <Paper
      component="figure"
      m={0}
      withBorder
      shadow="xl"
      radius="lg"
      p="xl"
      aria-label={t('home.preview.label')}
    >
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text fw={700}>{t('home.preview.invoice', { number: 'INV-2025-0042' })}</Text>
            <Text size="sm" c="dimmed">
              {t('home.preview.customer')}
            </Text>
          </div>
          <Badge
            color="teal"
            variant="light"
            leftSection={<IconCircleCheck size={14} aria-hidden />}
          >
            {t('home.preview.valid')}
          </Badge>
        </Group>
        <Divider />
        {rows.map((row) => (
          <Group key={row.label} justify="space-between">
            <Text size="sm" c="dimmed">
              {row.label}
            </Text>
            <Text size="sm" ff="monospace">
              {aed(row.fils)}
            </Text>
          </Group>
        ))}
        <Divider />
        <Group justify="space-between">
          <Text fw={700}>{t('home.preview.total')}</Text>
          <Text fw={700} ff="monospace">
            {aed(SUBTOTAL_FILS + VAT_FILS)}
          </Text>
        </Group>
        <Badge
          size="lg"
          variant="light"
          color="indigo"
          fullWidth
          leftSection={<IconSend size={14} aria-hidden />}
        >
          {t('home.preview.delivered')}
        </Badge>
      </Stack>
    </Paper>
  );
}
