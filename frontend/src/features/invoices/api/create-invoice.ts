import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Invoice, InvoiceInput } from './types';

/** POST /invoices: a DRAFT (422 names each field that breaks a rule). */
export const createInvoice = (input: InvoiceInput) =>
  api<Invoice>('/invoices', { method: 'POST', json: input });

export function useCreateInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvoice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
