import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';

import { api, apiFile } from '@/lib/api';

export type CompanyStatus = 'PENDING_APPROVAL' | 'ACTIVE' | 'SUSPENDED' | 'REJECTED';
export const COMPANY_STATUSES: CompanyStatus[] = [
  'PENDING_APPROVAL',
  'ACTIVE',
  'SUSPENDED',
  'REJECTED',
];

export type CompanyDocument = {
  id: string;
  kind: 'trade_licence' | 'other_registration' | 'logo' | 'stamp';
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
};

export type AdminCompany = {
  id: string;
  legal_name: string;
  trn: string;
  email: string;
  phone: string;
  address: { line1: string; line2: string | null; city: string; emirate: string; country: string };
  legal_registration: { type: string; id: string; authority: string | null };
  status: CompanyStatus;
  status_reason: string | null;
  approved_at: string | null;
  plan_code: string;
  peppol_id: string | null;
  created_at: string;
  documents: CompanyDocument[];
  admins: { id: string; email: string; full_name: string; is_active: boolean }[];
};

export type CompaniesPage = {
  items: AdminCompany[];
  total: number;
  page: number;
  page_size: number;
};

export type CompanyFilter = { status: CompanyStatus | null; q: string; page: number };

export const PAGE_SIZE = 20;

export const listCompanies = ({ status, q, page }: CompanyFilter) =>
  api<CompaniesPage>('/admin/companies', {
    params: { status, q: q.trim() || undefined, page, page_size: PAGE_SIZE },
  });

export const listCompaniesQueryOptions = (filter: CompanyFilter) =>
  queryOptions({
    queryKey: ['admin', 'companies', filter],
    queryFn: () => listCompanies(filter),
    placeholderData: keepPreviousData,
  });

export function useCompanies(filter: CompanyFilter) {
  return useQuery(listCompaniesQueryOptions(filter));
}

export type Transition = 'approve' | 'reject' | 'suspend' | 'reactivate';
/** reject and suspend need a reason (at least 3 characters), which is e-mailed to the company. */
export const NEEDS_REASON: ReadonlySet<Transition> = new Set(['reject', 'suspend']);

export type TransitionInput = { id: string; transition: Transition; reason?: string };

export const changeCompanyStatus = ({ id, transition, reason }: TransitionInput) =>
  api<AdminCompany>(`/admin/companies/${encodeURIComponent(id)}/${transition}`, {
    method: 'POST',
    ...(NEEDS_REASON.has(transition) ? { json: { reason } } : {}),
  });

export function useChangeCompanyStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeCompanyStatus,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
}

export const assignPlan = ({ id, plan_code }: { id: string; plan_code: string }) =>
  api<unknown>(`/admin/companies/${encodeURIComponent(id)}/plan`, {
    method: 'POST',
    json: { plan_code },
  });

export function useAssignPlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: assignPlan,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
}

export const downloadCompanyDocument = (companyId: string, documentId: string) =>
  apiFile(
    `/admin/companies/${encodeURIComponent(companyId)}/documents/${encodeURIComponent(documentId)}/download`,
  );
