import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api';

import { fieldProblems } from './api-error-alert';

describe('fieldProblems', () => {
  it('reads the rule details of a refused finalize, with or without a form field', () => {
    const error = new ApiError(422, 'The document does not pass', 'compliance_rejected', [
      {
        rule_id: 'ibr-125-ae',
        layer: 'involinks',
        message: 'is required',
        field: 'lines.0.description',
        location: null,
      },
      {
        rule_id: 'ibr-125-ae',
        layer: 'ae',
        message: 'Item description MUST be there.',
        field: null,
        location: '/Invoice/cac:InvoiceLine[1]/cac:Item[1]',
      },
      { message: 'plain field problem', field: 'due_date' },
      'not a problem',
    ]);
    expect(fieldProblems(error)).toEqual([
      { field: 'lines.0.description', message: 'is required', rule_id: 'ibr-125-ae' },
      {
        field: '',
        message: 'Item description MUST be there.',
        rule_id: 'ibr-125-ae',
        location: '/Invoice/cac:InvoiceLine[1]/cac:Item[1]',
      },
      { field: 'due_date', message: 'plain field problem' },
    ]);
  });

  it('finds none in other errors', () => {
    expect(fieldProblems(new Error('boom'))).toEqual([]);
    expect(fieldProblems(new ApiError(409, 'conflict'))).toEqual([]);
  });
});
