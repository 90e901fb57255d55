import table from '@server/auth/role_permissions.json';
import { describe, expect, it } from 'vitest';

import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, hasPermission } from './permissions';

describe('permissions', () => {
  it('names exactly the permissions and roles of the shared table', () => {
    expect([...PERMISSIONS].sort()).toEqual([...table.permissions].sort());
    expect([...ROLES].sort()).toEqual(Object.keys(table.roles).sort());
  });

  it('grants each role what the shared table grants it, nothing dropped', () => {
    for (const role of ROLES) {
      expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...table.roles[role]].sort());
    }
  });

  it('keeps team management and sending with company admins', () => {
    expect(hasPermission('COMPANY_ADMIN', 'team:manage')).toBe(true);
    expect(hasPermission('FINANCE_USER', 'team:manage')).toBe(false);
    expect(hasPermission('FINANCE_USER', 'invoice:send')).toBe(false);
    expect(hasPermission('SUPER_ADMIN', 'invoice:create')).toBe(false);
    expect(hasPermission(undefined, 'invoice:read')).toBe(false);
  });
});
