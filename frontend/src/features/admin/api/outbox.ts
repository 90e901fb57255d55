import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type OutboxStatus = 'PENDING' | 'SENT' | 'FAILED';

export type OutboxMessage = {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
};

export type OutboxPage = { items: OutboxMessage[]; total: number; page: number; page_size: number };
export type OutboxFilter = { to: string; page: number };
export const OUTBOX_PAGE_SIZE = 25;

export const listOutboxQueryOptions = ({ to, page }: OutboxFilter) =>
  queryOptions({
    queryKey: ['admin', 'outbox', { to, page }],
    queryFn: () =>
      api<OutboxPage>('/admin/outbox', {
        params: { to: to.trim() || undefined, page, page_size: OUTBOX_PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });

export function useOutbox(filter: OutboxFilter) {
  return useQuery(listOutboxQueryOptions(filter));
}
