import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

/**
 * The status actions of a document: finalize (number it; the full PINT AE validation runs and a
 * 422 lists each failed rule), approve, and send over Peppol.
 */
export type InvoiceAction = 'finalize' | 'approve' | 'send';

export const runInvoiceAction = ({ id, action }: { id: string; action: InvoiceAction }) =>
  api<unknown>(`/invoices/${encodeURIComponent(id)}/${action}`, { method: 'POST' });

export function useInvoiceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runInvoiceAction,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
