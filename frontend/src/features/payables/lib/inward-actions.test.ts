import { describe, expect, it } from 'vitest';

import { inwardActions } from './inward-actions';

const sorted = (actions: Set<string>) => [...actions].sort();

describe('inwardActions', () => {
  it('lets a ready-to-pay invoice be accepted and paid, not rejected', () => {
    expect(sorted(inwardActions('READY_TO_PAY', 'FULL_MATCH'))).toEqual([
      'accept',
      'dispute',
      'hold',
      'mark-paid',
      'match',
    ]);
  });

  it('offers the variance approval only for an approvable match under review', () => {
    expect(inwardActions('NEEDS_REVIEW', 'VARIANCE_DETECTED').has('approve-variance')).toBe(true);
    expect(inwardActions('NEEDS_REVIEW', 'NOT_MATCHED').has('approve-variance')).toBe(false);
    expect(inwardActions('NEEDS_REVIEW', 'NOT_MATCHED').has('mark-paid')).toBe(false);
  });

  it('rejects held or disputed invoices, and releases them', () => {
    for (const status of ['ON_HOLD', 'DISPUTED'] as const) {
      const allowed = inwardActions(status, 'PARTIAL_MATCH');
      expect(allowed.has('reject')).toBe(true);
      expect(allowed.has('release')).toBe(true);
      expect(allowed.has('mark-paid')).toBe(false);
    }
  });

  it('leaves nothing to do on a paid or rejected invoice', () => {
    expect(inwardActions('PAID', 'FULL_MATCH').size).toBe(0);
    expect(inwardActions('REJECTED', 'NOT_MATCHED').size).toBe(0);
  });
});
