import { describe, expect, it } from 'vitest';

import { homePathFor, safeNextPath } from './auth';

describe('safeNextPath', () => {
  it('keeps a path on this site, with its query', () => {
    expect(safeNextPath('/invoices?status=DRAFT')).toBe('/invoices?status=DRAFT');
  });

  it.each(['https://evil.example/x', '//evil.example', '/\\evil.example', 'invoices', '', null])(
    'refuses %s (no open redirect after sign-in)',
    (next) => {
      expect(safeNextPath(next)).toBeNull();
    },
  );
});

describe('homePathFor', () => {
  it('sends platform admins to the admin area and companies to their dashboard', () => {
    expect(homePathFor('SUPER_ADMIN')).toBe('/admin');
    expect(homePathFor('FINANCE_USER')).toBe('/dashboard');
  });
});
