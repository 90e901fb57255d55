import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NotFoundRoute() {
  const { t } = useTranslation();
  return (
    <Container size="sm" py={96}>
      <title>{t('pageTitle.notFound')}</title>
      <Stack align="center" gap="md" ta="center" data-testid="not-found">
        <Text fw={800} fz={72} c="indigo.6" lh={1} aria-hidden>
          {t('notFound.code')}
        </Text>
        <Title order={1}>{t('notFound.title')}</Title>
        <Text c="dimmed" size="lg">
          {t('notFound.body')}
        </Text>
        <Button component={Link} to="/" size="md" mt="sm">
          {t('notFound.back')}
        </Button>
      </Stack>
    </Container>
  );
}
