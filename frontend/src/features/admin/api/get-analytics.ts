import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type DailyCount = { date: string; count: number };
export type InvoiceVolume = { period: string; count: number; value_aed: string };

/** GET /admin/analytics: platform figures over a UAE date range (at most 366 days). */
export type PlatformAnalytics = {
  from: string;
  to: string;
  companies: { total: number; by_status: Record<string, number>; by_plan: Record<string, number> };
  signups_per_day: DailyCount[];
  approvals_per_day: DailyCount[];
  invoices_total: InvoiceVolume;
  invoices_per_day: InvoiceVolume[];
  invoices_per_month: InvoiceVolume[];
  peppol: {
    source: string;
    total: number;
    succeeded: number;
    failed: number;
    pending: number;
    success_rate_percent: string | null;
    failures_by_reason: Record<string, number>;
  };
  payables: {
    received: number;
    by_matching_status: Record<string, number>;
    rate_percent: Record<string, string>;
  };
  active_users: number;
};

export type DateRange = { from: string; to: string };

export const getAnalytics = ({ from, to }: DateRange) =>
  api<PlatformAnalytics>('/admin/analytics', { params: { from, to } });

export const getAnalyticsQueryOptions = (range: DateRange) =>
  queryOptions({
    queryKey: ['admin', 'analytics', range],
    queryFn: () => getAnalytics(range),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

export function useAnalytics(range: DateRange) {
  return useQuery(getAnalyticsQueryOptions(range));
}
