import {
  IconFileInvoice,
  IconLayoutDashboard,
  IconShieldLock,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import type { NavItem } from '@/components/layouts/signed-in-layout';
import { useMe } from '@/lib/auth';
import { type Permission, hasPermission } from '@/lib/permissions';

type NavEntry = Omit<NavItem, 'label'> & {
  labelKey: 'nav.dashboard' | 'nav.invoices' | 'nav.customers' | 'nav.team' | 'nav.security';
  /** Shown only to roles with this permission (the API checks again). */
  permission?: Permission;
  /** Shown only to users of a company (not to platform super admins). */
  companyOnly?: boolean;
};

// Web app part 2 (payables, imports, settings, admin, content) adds its entries here.
const NAVIGATION: NavEntry[] = [
  {
    to: '/dashboard',
    labelKey: 'nav.dashboard',
    icon: IconLayoutDashboard,
    permission: 'invoice:read',
    companyOnly: true,
  },
  {
    to: '/invoices',
    labelKey: 'nav.invoices',
    icon: IconFileInvoice,
    permission: 'invoice:read',
    companyOnly: true,
  },
  {
    to: '/customers',
    labelKey: 'nav.customers',
    icon: IconUsers,
    permission: 'customer:manage',
    companyOnly: true,
  },
  { to: '/team', labelKey: 'nav.team', icon: IconUsersGroup, permission: 'team:manage' },
  { to: '/account/security', labelKey: 'nav.security', icon: IconShieldLock },
];

/** The navigation entries the signed-in user may use. */
export function useNavigation(): NavItem[] {
  const { t } = useTranslation();
  const me = useMe().data;
  const role = me?.user.role;
  return NAVIGATION.filter(
    (entry) =>
      (entry.permission === undefined || hasPermission(role, entry.permission)) &&
      (!entry.companyOnly || me?.company != null),
  ).map(({ labelKey, permission: _permission, companyOnly: _companyOnly, ...item }) => ({
    ...item,
    label: t(labelKey),
  }));
}
