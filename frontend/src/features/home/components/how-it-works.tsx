import { Box, Container, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import classes from './home.module.css';

const STEPS = ['register', 'issue', 'reconcile'] as const;

export function HowItWorks() {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <Box className={classes.band} component="section" aria-labelledby="how-title">
      <Container size="lg" py={72} id="how-it-works">
        <Title order={2} id="how-title" mb={40}>
          {t('home.steps.title')}
        </Title>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xl" component="ol" className={classes.steps}>
          {STEPS.map((step, index) => (
            <Stack key={step} gap="xs" component="li">
              <ThemeIcon size={36} radius="xl" aria-hidden>
                <Text fw={700} size="sm" component="span">
                  {number.format(index + 1)}
                </Text>
              </ThemeIcon>
              <Title order={3} size="h4">
                {t(`home.steps.${step}.title`)}
              </Title>
              <Text c="dimmed">{t(`home.steps.${step}.body`)}</Text>
            </Stack>
          ))}
        </SimpleGrid>
      </Container>
    </Box>
  );
}
