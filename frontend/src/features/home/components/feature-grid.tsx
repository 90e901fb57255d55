import { Card, Container, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  IconFileCheck,
  IconFileImport,
  IconLink,
  IconSparkles,
  IconShieldLock,
  IconTransfer,
  IconUsersGroup,
} from '@tabler/icons-react';
import type { ComponentType, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type Icon = ComponentType<{ size?: number; stroke?: number }>;

export type FeatureItem = { key: string; title: string; body: ReactNode };

const BUILT_IN = ['einvoicing', 'peppol', 'payables', 'audit', 'imports', 'team'] as const;

// Icons by the last part of a key: built-in names and the CMS's "home.feature.<name>" blocks.
const ICONS: Record<string, Icon> = {
  einvoicing: IconFileCheck,
  compliance: IconFileCheck,
  peppol: IconTransfer,
  payables: IconLink,
  audit: IconShieldLock,
  imports: IconFileImport,
  team: IconUsersGroup,
};

type FeatureGridProps = {
  /** Features published in the CMS; the built-in list is shown when there are none. */
  items?: FeatureItem[] | undefined;
};

export function FeatureGrid({ items }: FeatureGridProps) {
  const { t } = useTranslation();
  const features: FeatureItem[] =
    items !== undefined && items.length > 0
      ? items
      : BUILT_IN.map((key) => ({
          key,
          title: t(`home.features.${key}.title`),
          body: <Text size="sm">{t(`home.features.${key}.body`)}</Text>,
        }));
  return (
    <Container size="lg" py={72} id="features" component="section" aria-labelledby="features-title">
      <Stack gap="xs" mb={40} maw={640}>
        <Title order={2} id="features-title">
          {t('home.features.title')}
        </Title>
        <Text c="dimmed" size="lg">
          {t('home.features.subtitle')}
        </Text>
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg" data-testid="feature-grid">
        {features.map(({ key, title, body }) => {
          const Icon = ICONS[key.split('.').pop() ?? ''] ?? IconSparkles;
          return (
            <Card key={key} withBorder radius="lg" padding="xl">
              <ThemeIcon size={44} radius="md" variant="light" aria-hidden>
                <Icon size={24} stroke={1.6} />
              </ThemeIcon>
              <Title order={3} size="h4" mt="md" mb={6}>
                {title}
              </Title>
              <Text component="div" size="sm" c="dimmed">
                {body}
              </Text>
            </Card>
          );
        })}
      </SimpleGrid>
    </Container>
  );
}
