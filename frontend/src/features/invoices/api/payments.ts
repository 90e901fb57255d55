import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { InvoiceStatus } from './types';

/** GET/POST /invoices/{id}/payments (amounts are decimal strings). */
export type InvoicePayment = {
  id: string;
  amount: string;
  paid_on: string;
  reference: string | null;
  source: 'MANUAL' | 'PEPPOL';
  recorded_at: string;
};

export type PaymentSummary = {
  invoice_id: string;
  status: InvoiceStatus;
  currency: string;
  payable_amount: string;
  credited_amount: string;
  paid_amount: string;
  outstanding_amount: string;
  payments: InvoicePayment[];
};

export type PaymentInput = { amount: string; paid_on: string; reference: string | null };

const path = (id: string) => `/invoices/${encodeURIComponent(id)}/payments`;

export function useInvoicePayments(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['invoices', 'payments', id],
    queryFn: () => api<PaymentSummary>(path(id)),
    enabled,
    staleTime: 0,
  });
}

export function useRecordPayment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PaymentInput) =>
      api<PaymentSummary>(path(id), { method: 'POST', json: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invoices'] }),
  });
}
