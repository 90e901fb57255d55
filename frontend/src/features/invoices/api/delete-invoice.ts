import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** DELETE /invoices/{id}: only a DRAFT. */
export const deleteInvoice = (id: string) =>
  api<void>(`/invoices/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteInvoice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
