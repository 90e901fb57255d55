import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Invoice, InvoiceInput } from './types';

/** PATCH /invoices/{id}: edit a DRAFT; the lines sent replace the whole list. */
export const updateInvoice = ({ id, ...changes }: Partial<InvoiceInput> & { id: string }) =>
  api<Invoice>(`/invoices/${encodeURIComponent(id)}`, { method: 'PATCH', json: changes });

export function useUpdateInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateInvoice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
