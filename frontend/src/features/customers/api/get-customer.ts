import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Customer } from './list-customers';

export const getCustomer = (id: string) => api<Customer>(`/customers/${encodeURIComponent(id)}`);

export const getCustomerQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['customers', 'detail', id], queryFn: () => getCustomer(id) });

export function useCustomer(id: string | null) {
  return useQuery({ ...getCustomerQueryOptions(id ?? ''), enabled: id !== null });
}
