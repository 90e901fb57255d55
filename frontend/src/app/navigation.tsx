import {
  IconFileImport,
  IconInbox,
  IconShoppingCart,
  IconTruckDelivery,
  IconBuildingCheck,
  IconChartBar,
  IconFileText,
  IconListDetails,
  IconMail,
  IconSettings,
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
  labelKey:
    | 'nav.dashboard'
    | 'nav.invoices'
    | 'nav.customers'
    | 'nav.team'
    | 'nav.security'
    | 'payables.nav.inbox'
    | 'payables.nav.orders'
    | 'payables.nav.suppliers'
    | 'imports.nav'
    | 'admin.nav.overview'
    | 'admin.nav.companies'
    | 'admin.nav.plans'
    | 'admin.nav.outbox'
    | 'contentManager.nav'
    | 'settings.nav';
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
  {
    to: '/payables',
    labelKey: 'payables.nav.inbox',
    icon: IconInbox,
    permission: 'ap:read',
    companyOnly: true,
  },
  {
    to: '/purchase-orders',
    labelKey: 'payables.nav.orders',
    icon: IconShoppingCart,
    permission: 'ap:read',
    companyOnly: true,
  },
  {
    to: '/suppliers',
    labelKey: 'payables.nav.suppliers',
    icon: IconTruckDelivery,
    permission: 'ap:read',
    companyOnly: true,
  },
  {
    to: '/imports',
    labelKey: 'imports.nav',
    icon: IconFileImport,
    permission: 'import:run',
    companyOnly: true,
  },
  { to: '/team', labelKey: 'nav.team', icon: IconUsersGroup, permission: 'team:manage' },
  {
    to: '/settings',
    labelKey: 'settings.nav',
    icon: IconSettings,
    permission: 'company:settings',
    companyOnly: true,
  },
  {
    to: '/admin',
    labelKey: 'admin.nav.overview',
    icon: IconChartBar,
    permission: 'platform:admin',
    end: true,
  },
  {
    to: '/admin/companies',
    labelKey: 'admin.nav.companies',
    icon: IconBuildingCheck,
    permission: 'platform:admin',
  },
  {
    to: '/admin/plans',
    labelKey: 'admin.nav.plans',
    icon: IconListDetails,
    permission: 'platform:admin',
  },
  {
    to: '/admin/outbox',
    labelKey: 'admin.nav.outbox',
    icon: IconMail,
    permission: 'platform:admin',
  },
  {
    to: '/admin/content',
    labelKey: 'contentManager.nav',
    icon: IconFileText,
    permission: 'content:manage',
  },
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
