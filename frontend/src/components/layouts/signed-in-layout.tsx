import {
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  ThemeIcon,
  UnstyledButton,
  Anchor,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconFileInvoice, IconLogout, IconShieldLock } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';

import { LanguageSwitch } from '@/components/language-switch';
import { useMe, useSession } from '@/lib/auth';

import classes from './app-layout.module.css';

export type NavItem = {
  to: string;
  /** Already translated. */
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  /** Also active on sub-paths (e.g. /invoices/123). */
  end?: boolean;
};

type SignedInLayoutProps = { navigation: NavItem[] };

function UserMenu() {
  const { t } = useTranslation();
  const me = useMe().data;
  const { signOut } = useSession();
  const navigate = useNavigate();
  if (me === undefined) return null;
  const initials = me.user.full_name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        <UnstyledButton data-testid="user-menu">
          <Group gap={8} wrap="nowrap">
            <Avatar size={32} radius="xl" color="indigo" aria-hidden>
              {initials}
            </Avatar>
            <div className={classes.userText}>
              <Text size="sm" fw={600} lh={1.2} truncate>
                {me.user.full_name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2} truncate>
                {me.company?.legal_name ?? t(`roles.${me.user.role}`)}
              </Text>
            </div>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.user.email}</Menu.Label>
        <Menu.Item
          component={Link}
          to="/account/security"
          leftSection={<IconShieldLock size={16} aria-hidden />}
        >
          {t('nav.security')}
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout size={16} aria-hidden />}
          onClick={() => {
            void signOut().then(() => navigate('/login', { replace: true }));
          }}
          data-testid="sign-out"
        >
          {t('nav.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The shell of every signed-in page: header, navigation, and the page in <main>. */
export function SignedInLayout({ navigation }: SignedInLayoutProps) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <a href="#main" className={classes.skipLink}>
        {t('layout.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('layout.toggleNavigation')}
            />
            <Anchor
              component={Link}
              to="/dashboard"
              underline="never"
              c="inherit"
              aria-label={t('layout.homeLink')}
              data-testid="brand"
            >
              <Group gap="xs" wrap="nowrap">
                <ThemeIcon size={32} radius="md" variant="filled" aria-hidden>
                  <IconFileInvoice size={19} stroke={1.8} />
                </ThemeIcon>
                <Text component="span" fw={800} fz="lg" visibleFrom="xs">
                  {t('app.name')}
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('layout.mainNavigation')} component="nav">
        <ScrollArea>
          {navigation.map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              end={item.end}
              label={item.label}
              leftSection={<item.icon size={18} stroke={1.7} />}
              onClick={close}
              active={
                item.end
                  ? location.pathname === item.to
                  : location.pathname === item.to || location.pathname.startsWith(`${item.to}/`)
              }
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} className={classes.main} bg="gray.0">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
