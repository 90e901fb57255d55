import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Page, Supplier, SupplierInput } from './types';

export type SupplierQuery = { q?: string; page: number; pageSize: number };

/** GET /suppliers: searched by name or TRN, paged. */
export const listSuppliers = ({ q, page, pageSize }: SupplierQuery) =>
  api<Page<Supplier>>('/suppliers', {
    params: { q: q?.trim() || undefined, page, page_size: pageSize },
  });

export function useSuppliers(query: SupplierQuery) {
  return useQuery({
    queryKey: ['suppliers', 'list', query],
    queryFn: () => listSuppliers(query),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** POST /suppliers: 409 when another supplier has the TRN. */
export const createSupplier = (input: SupplierInput) =>
  api<Supplier>('/suppliers', { method: 'POST', json: input });

export function useCreateSupplier() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSupplier,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['suppliers'] }),
  });
}
