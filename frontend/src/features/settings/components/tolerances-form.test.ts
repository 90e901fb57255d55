import { describe, expect, it } from 'vitest';

import { amountProblem, percentProblem } from './tolerances-form';

// The same bounds as the API's PayablesSettingsIn (amount 0..1,000,000 with 2 decimals,
// percentage 0..100 with 4 decimals), so the form refuses what the API would refuse.
describe('matching tolerance checks', () => {
  it.each([
    ['0', null],
    ['1.00', null],
    ['1000000', null],
    ['1000000.01', 'range'],
    ['1.005', 'format'],
    ['-1', 'format'],
    ['', 'format'],
    ['1e3', 'format'],
  ] as const)('amount %s -> %s', (value, problem) => {
    expect(amountProblem(value)).toBe(problem);
  });

  it.each([
    ['0', null],
    ['2.5', null],
    ['100', null],
    ['100.0001', 'range'],
    ['2.12345', 'format'],
    ['abc', 'format'],
  ] as const)('percent %s -> %s', (value, problem) => {
    expect(percentProblem(value)).toBe(problem);
  });
});
