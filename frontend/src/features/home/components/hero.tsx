import { Badge, Box, Button, Container, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { IconArrowDown } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { InvoicePreview } from './invoice-preview';
import classes from './home.module.css';

type HeroProps = {
  /** Published CMS texts that replace the built-in ones. */
  title?: string | undefined;
  body?: ReactNode;
};

export function Hero({ title, body }: HeroProps) {
  const { t } = useTranslation();
  return (
    <Box className={classes.hero}>
      <Container size="lg" py={{ base: 48, md: 88 }}>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing={48} verticalSpacing={40}>
          <Stack gap="lg" justify="center">
            <Badge variant="light" size="lg" radius="sm" w="fit-content">
              {t('home.hero.eyebrow')}
            </Badge>
            <Title order={1} className={classes.heroTitle}>
              {title ?? t('home.hero.title')}
            </Title>
            <Box c="dimmed" fz="lg" className={classes.heroBody} data-testid="hero-subtitle">
              {body ?? <p>{t('home.hero.subtitle')}</p>}
            </Box>
            <Group gap="sm">
              <Button
                component="a"
                href="#features"
                size="md"
                rightSection={<IconArrowDown size={18} aria-hidden />}
              >
                {t('home.hero.primaryAction')}
              </Button>
              <Button component="a" href="#how-it-works" size="md" variant="default">
                {t('home.hero.secondaryAction')}
              </Button>
            </Group>
          </Stack>
          <Stack justify="center">
            <InvoicePreview />
          </Stack>
        </SimpleGrid>
      </Container>
    </Box>
  );
}
