import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** One failed rule: the official id (ibr-127-ae, aligned-ibrp-…) or the API's own check. */
export type RuleIssue = {
  rule_id: string;
  layer: string;
  message: string;
  location: string | null;
  field: string | null;
};

export type DraftValidation = { valid: boolean; errors: RuleIssue[]; warnings: RuleIssue[] };

/** POST /invoices/{id}/validate: checks a DRAFT as finalize would, changing nothing. */
export const validateInvoice = (id: string) =>
  api<DraftValidation>(`/invoices/${encodeURIComponent(id)}/validate`, { method: 'POST' });

export function useValidateInvoice() {
  return useMutation({ mutationFn: validateInvoice });
}
