/**
 * Roles and permissions, from the table the API enforces (src/involinks/auth/role_permissions.json,
 * which auth/permissions.py loads too). The API decides; the web app only uses this to hide what a
 * user could not do anyway.
 */
import table from '@server/auth/role_permissions.json';

export const ROLES = ['SUPER_ADMIN', 'COMPANY_ADMIN', 'FINANCE_USER'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'company:read',
  'company:settings',
  'team:manage',
  'audit:read',
  'invoice:read',
  'invoice:create',
  'invoice:approve',
  'invoice:send',
  'invoice:delete',
  'customer:manage',
  'ap:read',
  'ap:manage',
  'import:run',
  'platform:admin',
  'platform:read_all',
  'content:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const known: ReadonlySet<string> = new Set(PERMISSIONS);

function granted(role: Role): ReadonlySet<Permission> {
  // Names this build does not know are left out (and fail permissions.test.ts).
  return new Set(table.roles[role].filter((p): p is Permission => known.has(p)));
}

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  SUPER_ADMIN: granted('SUPER_ADMIN'),
  COMPANY_ADMIN: granted('COMPANY_ADMIN'),
  FINANCE_USER: granted('FINANCE_USER'),
};

export function hasPermission(role: Role | null | undefined, permission: Permission): boolean {
  return role !== null && role !== undefined && ROLE_PERMISSIONS[role].has(permission);
}
