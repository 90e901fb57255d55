/**
 * Roles and permissions as the API defines them (src/involinks/auth/permissions.py). The API
 * decides; the web app only uses this to hide what a user could not do anyway.
 */

export type Role = 'SUPER_ADMIN' | 'COMPANY_ADMIN' | 'FINANCE_USER';

export type Permission =
  | 'company:read'
  | 'company:settings'
  | 'team:manage'
  | 'audit:read'
  | 'invoice:read'
  | 'invoice:create'
  | 'invoice:approve'
  | 'invoice:send'
  | 'invoice:delete'
  | 'customer:manage'
  | 'ap:read'
  | 'ap:manage'
  | 'import:run'
  | 'platform:admin'
  | 'platform:read_all'
  | 'content:manage';

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  SUPER_ADMIN: new Set<Permission>([
    'platform:admin',
    'platform:read_all',
    'content:manage',
    'company:read',
    'invoice:read',
    'ap:read',
    'audit:read',
  ]),
  COMPANY_ADMIN: new Set<Permission>([
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
  ]),
  FINANCE_USER: new Set<Permission>([
    'company:read',
    'invoice:read',
    'invoice:create',
    'customer:manage',
    'ap:read',
  ]),
};

export function hasPermission(role: Role | null | undefined, permission: Permission): boolean {
  return role !== null && role !== undefined && ROLE_PERMISSIONS[role].has(permission);
}
