import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type Customer = {
  id: string;
  legal_name: string;
  trade_name: string | null;
  trn: string | null;
  tin: string | null;
  vat_registered: boolean;
  email: string;
  phone: string | null;
  contact_name: string | null;
  peppol_id: string | null;
  address: {
    line1: string;
    line2: string | null;
    city: string;
    postal_code: string | null;
    emirate: string | null;
    subdivision: string | null;
    country: string;
  };
  created_at: string;
  updated_at: string;
};

export type CustomersPage = { items: Customer[]; total: number; page: number; page_size: number };

export type CustomerQuery = { search?: string; page?: number; pageSize?: number };

export const listCustomers = ({ search, page = 1, pageSize = 20 }: CustomerQuery) =>
  api<CustomersPage>('/customers', {
    params: { search: search?.trim() || undefined, page, page_size: pageSize },
  });

export const listCustomersQueryOptions = (query: CustomerQuery) =>
  queryOptions({
    queryKey: ['customers', 'list', query],
    queryFn: () => listCustomers(query),
    placeholderData: keepPreviousData,
  });

export function useCustomers(query: CustomerQuery) {
  return useQuery(listCustomersQueryOptions(query));
}
