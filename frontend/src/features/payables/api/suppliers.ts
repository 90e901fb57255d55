import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Page, Supplier, SupplierInput } from './types';

export type SupplierQuery = { q?: string; page: number; pageSize: number; activeOnly?: boolean };

/** GET /suppliers: searched by name or TRN, paged; `is_active=true` leaves out deactivated ones. */
export const listSuppliers = ({ q, page, pageSize, activeOnly }: SupplierQuery) =>
  api<Page<Supplier>>('/suppliers', {
    params: {
      q: q?.trim() || undefined,
      page,
      page_size: pageSize,
      is_active: activeOnly ? true : undefined,
    },
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

/** PATCH /suppliers/{id}: only the fields sent change; 409 when another supplier has the TRN. */
export const updateSupplier = ({ id, ...input }: SupplierInput & { id: string }) =>
  api<Supplier>(`/suppliers/${encodeURIComponent(id)}`, { method: 'PATCH', json: input });

export function useUpdateSupplier() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSupplier,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['suppliers'] }),
  });
}

/** DELETE /suppliers/{id}: 409 (supplier_in_use, with the reason) while a purchase order or an
 * invoice refers to the supplier. */
export const deleteSupplier = (id: string) =>
  api<void>(`/suppliers/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteSupplier() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSupplier,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['suppliers'] }),
  });
}
