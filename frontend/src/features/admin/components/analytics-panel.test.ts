import { describe, expect, it } from 'vitest';

import { lastDays } from './analytics-panel';

describe('lastDays', () => {
  it('counts today as the last of the days', () => {
    expect(lastDays(1, '2026-11-24')).toEqual({ from: '2026-11-24', to: '2026-11-24' });
    expect(lastDays(7, '2026-11-24')).toEqual({ from: '2026-11-18', to: '2026-11-24' });
  });

  it('crosses month and leap-year boundaries on the calendar', () => {
    expect(lastDays(30, '2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-03-01' });
    expect(lastDays(365, '2026-12-31')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });
});
