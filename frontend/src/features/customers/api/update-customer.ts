import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { CustomerInput } from './create-customer';
import type { Customer } from './list-customers';

/** PATCH /customers/{id}: issued invoices keep the data they were issued with. */
export const updateCustomer = ({ id, ...input }: CustomerInput & { id: string }) =>
  api<Customer>(`/customers/${encodeURIComponent(id)}`, { method: 'PATCH', json: input });

export function useUpdateCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCustomer,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}
