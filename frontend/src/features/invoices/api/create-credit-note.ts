import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Invoice } from './types';

export type CreditNoteInput = {
  invoiceId: string;
  reason_code: string;
  reason?: string | null;
  type_code?: '381' | '81';
};

/** POST /invoices/{id}/credit-notes: a DRAFT credit note for the whole invoice. */
export const createCreditNote = ({ invoiceId, ...body }: CreditNoteInput) =>
  api<Invoice>(`/invoices/${encodeURIComponent(invoiceId)}/credit-notes`, {
    method: 'POST',
    json: body,
  });

export function useCreateCreditNote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCreditNote,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
