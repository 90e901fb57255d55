import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** DELETE /customers/{id}: 409 (with the reason) while an invoice references the customer. */
export const deleteCustomer = (id: string) =>
  api<void>(`/customers/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCustomer,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}
