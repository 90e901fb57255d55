import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api';

import { ruleDetails } from './rule-details';

describe('ruleDetails', () => {
  it('reads each failed rule of a 422 with its location', () => {
    const error = new ApiError(422, 'The document fails 2 PINT AE rule(s)', 'invalid', [
      { rule_id: 'ibr-001', message: 'Specification identifier missing', location: '/Invoice' },
      { rule_id: 'ibr-127-ae', message: 'Due date required', location: null, field: 'due_date' },
      'not a rule',
    ]);
    expect(ruleDetails(error)).toEqual([
      { rule_id: 'ibr-001', message: 'Specification identifier missing', location: '/Invoice' },
      { rule_id: 'ibr-127-ae', message: 'Due date required', location: null },
    ]);
  });

  it('has nothing for other refusals', () => {
    expect(ruleDetails(new ApiError(409, 'Duplicate', 'conflict', { id: 'x' }))).toEqual([]);
    expect(ruleDetails(new Error('boom'))).toEqual([]);
  });
});
