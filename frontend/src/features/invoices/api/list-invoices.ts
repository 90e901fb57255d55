import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { InvoiceKind, InvoiceStatus, InvoiceSummaryPage } from './types';

export type InvoiceSort = 'issue_date' | 'number' | 'payable_amount' | 'created_at';

export type InvoiceListQuery = {
  number?: string;
  statuses?: InvoiceStatus[];
  kind?: InvoiceKind;
  customerId?: string;
  issueDateFrom?: string;
  issueDateTo?: string;
  amountMin?: string;
  amountMax?: string;
  sort: InvoiceSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
};

/** GET /invoices?view=summary: filtered, sorted and paged on the server (status may repeat);
 * the list screen needs no lines, so it asks for the cheaper summaries. */
export function listInvoices(query: InvoiceListQuery): Promise<InvoiceSummaryPage> {
  const params = new URLSearchParams();
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') params.append(key, value.trim());
  };
  put('number', query.number);
  for (const status of query.statuses ?? []) params.append('status', status);
  put('kind', query.kind);
  put('customer_id', query.customerId);
  put('issue_date_from', query.issueDateFrom);
  put('issue_date_to', query.issueDateTo);
  put('amount_min', query.amountMin);
  put('amount_max', query.amountMax);
  params.set('sort', query.sort);
  params.set('order', query.order);
  params.set('page', String(query.page));
  params.set('page_size', String(query.pageSize));
  params.set('view', 'summary');
  return api<InvoiceSummaryPage>(`/invoices?${params.toString()}`);
}

export const listInvoicesQueryOptions = (query: InvoiceListQuery) =>
  queryOptions({
    queryKey: ['invoices', 'list', query],
    queryFn: () => listInvoices(query),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });

export function useInvoices(query: InvoiceListQuery) {
  return useQuery(listInvoicesQueryOptions(query));
}
