import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, apiFile } from '@/lib/api';

export type CompanyProfile = {
  id: string;
  legal_name: string;
  trn: string;
  tin: string;
  email: string;
  phone: string;
  address: { line1: string; line2: string | null; city: string; emirate: string; country: string };
  legal_registration: { type: string; id: string; authority: string | null };
  status: string;
  plan_code: string;
  peppol_id: string | null;
  mfa_required: boolean;
  created_at: string;
};

export type CompanyUpdate = Partial<{
  email: string;
  phone: string;
  address: { line1: string; line2: string | null; city: string; emirate: string };
  mfa_required: boolean;
  peppol_id: string;
}>;

export const companyQueryOptions = () =>
  queryOptions({ queryKey: ['company'], queryFn: () => api<CompanyProfile>('/company') });

export function useCompany() {
  return useQuery(companyQueryOptions());
}

/** PATCH /company: only the fields sent change. */
export const updateCompany = (changes: CompanyUpdate) =>
  api<CompanyProfile>('/company', { method: 'PATCH', json: changes });

export function useUpdateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCompany,
    onSuccess: (company) => {
      queryClient.setQueryData(['company'], company);
      // GET /me carries the MFA policy the session guard reads.
      return queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

export type DocumentKind = 'trade_licence' | 'other_registration' | 'logo' | 'stamp';

export type CompanyDocument = {
  id: string;
  kind: DocumentKind;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
};

export const documentsQueryOptions = () =>
  queryOptions({
    queryKey: ['company', 'documents'],
    queryFn: () => api<CompanyDocument[]>('/company/documents'),
  });

export function useCompanyDocuments() {
  return useQuery(documentsQueryOptions());
}

/** POST /company/documents (multipart): the API checks the type by content, not by name. */
export const uploadDocument = ({ kind, file }: { kind: DocumentKind; file: File }) => {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file);
  return api<CompanyDocument>('/company/documents', { method: 'POST', body: form });
};

export const deleteDocument = (id: string) =>
  api<void>(`/company/documents/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useUploadDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadDocument,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['company', 'documents'] }),
  });
}

export function useDeleteDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDocument,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['company', 'documents'] }),
  });
}

/** The stored image, fetched with the session (the download URL needs the bearer token). */
export function useDocumentBlob(document: CompanyDocument | undefined) {
  return useQuery({
    queryKey: ['company', 'documents', document?.id, 'file'],
    queryFn: async () =>
      (await apiFile(`/company/documents/${encodeURIComponent(document?.id ?? '')}/download`)).blob,
    enabled: document !== undefined,
    staleTime: Infinity,
  });
}
