import { describe, expect, it } from 'vitest';

import type { Plan } from '../api/plans';
import { nextPosition } from './plans-editor';

const plan = (code: string, position: number): Plan => ({
  code,
  name: code,
  description: '',
  position,
  monthly_invoice_limit: null,
  user_limit: null,
  features: { peppol_sending: false, accounts_payable: false, bulk_import: false },
  price_aed_monthly: '0.00',
  active: true,
});

describe('nextPosition', () => {
  it('places a new plan after the last one', () => {
    expect(nextPosition([plan('FREE', 0), plan('PRO', 30), plan('BASIC', 10)])).toBe(40);
    expect(nextPosition([])).toBe(10);
  });

  it('stays within the API bound', () => {
    expect(nextPosition([plan('MAX', 100_000)])).toBe(100_000);
  });
});
