import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type PlanFeatures = {
  peppol_sending: boolean;
  accounts_payable: boolean;
  bulk_import: boolean;
};
export const PLAN_FEATURES: (keyof PlanFeatures)[] = [
  'peppol_sending',
  'accounts_payable',
  'bulk_import',
];

export type Plan = {
  code: string;
  name: string;
  description: string;
  position: number;
  /** null: unlimited */
  monthly_invoice_limit: number | null;
  user_limit: number | null;
  features: PlanFeatures;
  price_aed_monthly: string;
  active: boolean;
};

export const listPlansQueryOptions = () =>
  queryOptions({ queryKey: ['admin', 'plans'], queryFn: () => api<Plan[]>('/admin/plans') });

export function usePlans() {
  return useQuery(listPlansQueryOptions());
}

export type PlanInput = Omit<Plan, 'code'>;

/** PUT /admin/plans/{code}: creates or edits a plan (a null limit is unlimited). */
export const savePlan = ({ code, ...plan }: Plan) =>
  api<Plan>(`/admin/plans/${encodeURIComponent(code)}`, { method: 'PUT', json: plan });

export function useSavePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: savePlan,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'plans'] }),
  });
}
