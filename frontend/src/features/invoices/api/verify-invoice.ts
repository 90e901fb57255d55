import { queryOptions, useQuery } from '@tanstack/react-query';

import { ApiError, api } from '@/lib/api';

/** GET /invoices/{id}/verify: the hash chain and the signature of an issued document. */
export type InvoiceVerification = {
  valid: boolean;
  hash_ok?: boolean;
  chain_ok?: boolean;
  signature_ok?: boolean;
  series?: string;
  position?: number;
  key_id?: string;
  document_hash?: string;
  previous_hash?: string;
  details?: { check?: string; message: string }[];
};

/** null when this server has no verification endpoint (yet). */
export async function verifyInvoice(id: string): Promise<InvoiceVerification | null> {
  try {
    return await api<InvoiceVerification>(`/invoices/${encodeURIComponent(id)}/verify`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      // 404 also answers "not issued yet"; the panel only asks for issued documents.
      if (error.code === 'not_found' || error.code === 'http_error') return null;
    }
    throw error;
  }
}

export const verifyInvoiceQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['invoices', 'verify', id],
    queryFn: () => verifyInvoice(id),
    staleTime: 0,
    retry: false,
  });

export function useVerifyInvoice(id: string, enabled: boolean) {
  return useQuery({ ...verifyInvoiceQueryOptions(id), enabled });
}
