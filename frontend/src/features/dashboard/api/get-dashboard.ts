import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type CurrencyAmount = {
  currency: string;
  count: number;
  amount: string;
  amount_aed: string | null;
};

export type AmountSummary = { count: number; total_aed: string; by_currency: CurrencyAmount[] };

export type VatPeriod = {
  period: string;
  output_vat_aed: string;
  input_vat_aed: string;
  net_vat_aed: string;
};

export type ActivityItem = {
  id: string;
  occurred_at: string;
  action: string;
  actor_email: string | null;
  subject_type: string | null;
  subject_id: string | null;
};

/** GET /dashboard: one company's figures (AED), as of today in the UAE. */
export type CompanyDashboard = {
  as_of: string;
  receivables: AmountSummary;
  overdue_receivables: AmountSummary;
  payables: AmountSummary;
  overdue_payables: AmountSummary;
  vat: { period: string; periods: VatPeriod[]; foreign_inward_invoices_excluded: number };
  recent_activity: ActivityItem[];
};

export type VatPeriodUnit = 'month' | 'quarter';

export const getDashboard = (period: VatPeriodUnit) =>
  api<CompanyDashboard>('/dashboard', { params: { period } });

export const getDashboardQueryOptions = (period: VatPeriodUnit) =>
  queryOptions({
    queryKey: ['dashboard', period],
    queryFn: () => getDashboard(period),
    staleTime: 30_000,
  });

export function useDashboard(period: VatPeriodUnit) {
  return useQuery(getDashboardQueryOptions(period));
}
