import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type TransmissionState =
  'QUEUED' | 'SENT' | 'DELIVERED' | 'ACCEPTED' | 'REJECTED' | 'FAILED';

export type Transmission = {
  id: string;
  provider: string;
  status: TransmissionState;
  provider_status: string | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  receiver_id: string;
  sent_at: string | null;
  completed_at: string | null;
  created_at: string;
  events: {
    status: TransmissionState;
    reason: string | null;
    reason_code: string | null;
    occurred_at: string;
  }[];
};

// Still moving: the job has not handed it over yet, or the network has not answered.
const IN_FLIGHT: ReadonlySet<TransmissionState> = new Set(['QUEUED', 'SENT']);

/** GET /invoices/{id}/transmissions: the Peppol transmissions, newest first. */
export const listTransmissions = (invoiceId: string) =>
  api<Transmission[]>(`/invoices/${encodeURIComponent(invoiceId)}/transmissions`);

export const listTransmissionsQueryOptions = (invoiceId: string) =>
  queryOptions({
    queryKey: ['invoices', 'transmissions', invoiceId],
    queryFn: () => listTransmissions(invoiceId),
    staleTime: 0,
    // Polled while the newest transmission is on its way, so the page follows the delivery.
    refetchInterval: (query) => {
      const newest = query.state.data?.[0];
      return newest !== undefined && IN_FLIGHT.has(newest.status) ? 2000 : false;
    },
  });

export function useTransmissions(invoiceId: string, enabled: boolean) {
  return useQuery({ ...listTransmissionsQueryOptions(invoiceId), enabled });
}
