import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { InvoiceDetail } from './types';

export const getInvoice = (id: string) => api<InvoiceDetail>(`/invoices/${encodeURIComponent(id)}`);

export const getInvoiceQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['invoices', 'detail', id],
    queryFn: () => getInvoice(id),
    staleTime: 0,
  });

export function useInvoice(id: string) {
  return useQuery(getInvoiceQueryOptions(id));
}
