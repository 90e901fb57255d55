import { Anchor, Box, Button, Container, Group, Text, ThemeIcon } from '@mantine/core';
import { IconFileInvoice } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet } from 'react-router';

import { LanguageSwitch } from '@/components/language-switch';

import classes from './app-layout.module.css';

export function AppLayout() {
  const { t } = useTranslation();
  return (
    <div className={classes.shell}>
      <a href="#main" className={classes.skipLink}>
        {t('layout.skipToContent')}
      </a>
      <Box component="header" className={classes.header}>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Anchor
              component={Link}
              to="/"
              underline="never"
              c="inherit"
              aria-label={t('layout.homeLink')}
              data-testid="brand"
            >
              <Group gap="xs" wrap="nowrap">
                <ThemeIcon size={34} radius="md" variant="filled" aria-hidden>
                  <IconFileInvoice size={20} stroke={1.8} />
                </ThemeIcon>
                <Text component="span" fw={800} fz="lg">
                  {t('app.name')}
                </Text>
              </Group>
            </Anchor>
            <Group gap="sm" wrap="nowrap">
              <LanguageSwitch />
              <Button component={Link} to="/login" variant="default" size="xs" visibleFrom="xs">
                {t('nav.signIn')}
              </Button>
              <Button
                component={Link}
                to="/register"
                size="xs"
                visibleFrom="sm"
                data-testid="register-link"
              >
                {t('nav.register')}
              </Button>
              {/* A phone's header has room for the short label only. */}
              <Button
                component={Link}
                to="/register"
                size="xs"
                hiddenFrom="sm"
                data-testid="register-link-short"
              >
                {t('nav.registerShort')}
              </Button>
            </Group>
          </Group>
        </Container>
      </Box>
      <Box component="main" id="main" tabIndex={-1} className={classes.main}>
        <Outlet />
      </Box>
      <Box component="footer" className={classes.footer}>
        <Container size="lg" py="lg">
          <Group justify="space-between" gap="xs">
            <Text size="sm" c="dimmed">
              {t('layout.footer', { year: new Date().getFullYear() })}
            </Text>
            <Text size="sm" c="dimmed">
              {t('app.tagline')}
            </Text>
          </Group>
        </Container>
      </Box>
    </div>
  );
}
