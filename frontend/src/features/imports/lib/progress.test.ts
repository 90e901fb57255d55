import { describe, expect, it } from 'vitest';

import { errorsByRow, isFinished, progressPercent } from './progress';

describe('progressPercent', () => {
  it('gives each pass of a background run half of the bar', () => {
    expect(progressPercent({ status: 'queued', rows_done: 0, rows_total: 800 })).toBe(0);
    expect(progressPercent({ status: 'validating', rows_done: 400, rows_total: 800 })).toBe(25);
    expect(progressPercent({ status: 'importing', rows_done: 200, rows_total: 800 })).toBe(62);
    expect(progressPercent({ status: 'importing', rows_done: 900, rows_total: 800 })).toBe(100);
  });

  it('is full once the run ended, and 0 without a row count', () => {
    expect(progressPercent({ status: 'failed', rows_done: 3, rows_total: 800 })).toBe(100);
    expect(progressPercent({ status: 'validating', rows_done: 0, rows_total: 0 })).toBe(0);
    expect(isFinished('partial')).toBe(true);
    expect(isFinished('importing')).toBe(false);
  });
});

describe('errorsByRow', () => {
  it('groups the errors of one row and sorts rows', () => {
    const grouped = errorsByRow([
      { row: 7, column: 'email', value: 'x', message: 'not an e-mail' },
      { row: 3, column: 'trn', value: '12', message: 'a TRN is 15 digits' },
      { row: 7, column: 'trn', value: '', message: 'required' },
    ]);
    expect(grouped.map((g) => g.row)).toEqual([3, 7]);
    expect(grouped[1]?.errors.map((e) => e.column)).toEqual(['email', 'trn']);
  });
});
