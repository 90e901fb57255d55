import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type {
  InboxSummary,
  InvoiceMatch,
  InwardInvoice,
  InwardInvoiceInput,
  InwardInvoiceListItem,
  InwardStatus,
  MatchStatus,
  Page,
  UploadedInwardInvoice,
} from './types';

export type InboxFilters = {
  status?: InwardStatus;
  matchingStatus?: MatchStatus;
  supplier?: string;
  dateFrom?: string;
  dateTo?: string;
};

export type InboxQuery = InboxFilters & { page: number; pageSize: number };

function filterParams(filters: InboxFilters) {
  return {
    status: filters.status,
    matching_status: filters.matchingStatus,
    supplier: filters.supplier?.trim() || undefined,
    date_from: filters.dateFrom || undefined,
    date_to: filters.dateTo || undefined,
  };
}

/** GET /inward-invoices: the AP inbox, newest first. */
export const listInwardInvoices = ({ page, pageSize, ...filters }: InboxQuery) =>
  api<Page<InwardInvoiceListItem>>('/inward-invoices', {
    params: { ...filterParams(filters), page, page_size: pageSize },
  });

export function useInwardInvoices(query: InboxQuery) {
  return useQuery({
    queryKey: ['inward-invoices', 'list', query],
    queryFn: () => listInwardInvoices(query),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

/** GET /inward-invoices/summary: counts and totals per status for the same filters. */
export const inboxSummary = (filters: InboxFilters) =>
  api<InboxSummary>('/inward-invoices/summary', { params: filterParams(filters) });

export function useInboxSummary(filters: InboxFilters) {
  return useQuery({
    queryKey: ['inward-invoices', 'summary', filters],
    queryFn: () => inboxSummary(filters),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export const getInwardInvoice = (id: string) =>
  api<InwardInvoice>(`/inward-invoices/${encodeURIComponent(id)}`);

export function useInwardInvoice(id: string) {
  return useQuery({
    queryKey: ['inward-invoices', 'detail', id],
    queryFn: () => getInwardInvoice(id),
    staleTime: 0,
  });
}

export type InwardAction =
  | { kind: 'approve-variance'; note: string }
  | { kind: 'dispute'; reason: string }
  | { kind: 'hold'; reason: string }
  | { kind: 'release' }
  | { kind: 'match' }
  | { kind: 'accept' }
  | { kind: 'reject'; reason: string }
  | { kind: 'mark-paid'; paid_on: string | null; reference: string | null }
  | { kind: 'payments'; amount: string; paid_on: string | null; reference: string | null };

/** The review actions; a 409 says why the invoice's status does not allow one. */
export async function runInwardAction(id: string, action: InwardAction): Promise<unknown> {
  const path = `/inward-invoices/${encodeURIComponent(id)}/${action.kind}`;
  switch (action.kind) {
    case 'approve-variance':
      return api<InwardInvoice>(path, { method: 'POST', json: { note: action.note } });
    case 'dispute':
    case 'hold':
    case 'reject':
      return api<InwardInvoice>(path, { method: 'POST', json: { reason: action.reason } });
    case 'mark-paid':
      return api<InwardInvoice>(path, {
        method: 'POST',
        json: { paid_on: action.paid_on, reference: action.reference },
      });
    case 'payments':
      // A payment, part or whole; the one that pays what is still owed settles the invoice.
      return api<InwardInvoice>(path, {
        method: 'POST',
        json: { amount: action.amount, paid_on: action.paid_on, reference: action.reference },
      });
    case 'accept':
    case 'release':
      return api<InwardInvoice>(path, { method: 'POST' });
    case 'match':
      return api<InvoiceMatch>(path, { method: 'POST' });
  }
}

export function useInwardAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: InwardAction) => runInwardAction(id, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['inward-invoices'] }),
  });
}

/** POST /inward-invoices: manual entry, matched at once; 409 (duplicate_invoice) when the
 * supplier already sent this number, 422 names the fields. */
export const createInwardInvoice = (input: InwardInvoiceInput) =>
  api<InwardInvoice>('/inward-invoices', { method: 'POST', json: input });

export function useCreateInwardInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInwardInvoice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['inward-invoices'] }),
  });
}

/** POST /inward-invoices/upload: a supplier's UBL / PINT AE XML; 422 lists each failed rule. */
export function uploadInwardInvoice(file: File) {
  const body = new FormData();
  body.append('file', file);
  return api<UploadedInwardInvoice>('/inward-invoices/upload', { method: 'POST', body });
}

export function useUploadInwardInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadInwardInvoice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['inward-invoices'] }),
  });
}
