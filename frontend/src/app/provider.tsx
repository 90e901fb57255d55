import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';

import {
  DirectionProvider,
  MantineProvider,
  mergeThemeOverrides,
  useDirection,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';

import { cssVariablesResolver, theme } from '@/app/theme';
import { SessionProvider } from '@/lib/auth';
import i18n from '@/lib/i18n';
import { createQueryClient } from '@/lib/react-query';

/** Keeps Mantine's direction (menus, drawers, sliders) in step with the chosen language. */
function DirectionSync() {
  const { setDirection } = useDirection();
  useEffect(() => {
    const sync = (language: string) => setDirection(i18n.dir(language));
    i18n.on('languageChanged', sync);
    return () => i18n.off('languageChanged', sync);
  }, [setDirection]);
  return null;
}

/** Mantine with the app theme, and close buttons (dialogs, notifications) named in the UI language. */
function ThemeProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const close = t('common.close');
  const localized = useMemo(
    () =>
      mergeThemeOverrides(theme, {
        components: {
          Modal: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
          Notification: { defaultProps: { closeButtonProps: { 'aria-label': close } } },
        },
      }),
    [close],
  );
  return (
    <MantineProvider
      theme={localized}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="light"
    >
      {children}
    </MantineProvider>
  );
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={i18n.dir(i18n.language)}>
        <DirectionSync />
        <ThemeProvider>
          <Notifications position="top-right" />
          <QueryClientProvider client={queryClient}>
            <SessionProvider>{children}</SessionProvider>
          </QueryClientProvider>
        </ThemeProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
