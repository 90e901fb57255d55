import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { Customer } from './list-customers';

export type CustomerInput = {
  legal_name: string;
  trn?: string | null;
  vat_registered?: boolean;
  email: string;
  phone?: string | null;
  contact_name?: string | null;
  peppol_id?: string | null;
  address: {
    line1: string;
    line2?: string | null;
    city: string;
    postal_code?: string | null;
    emirate?: string | null;
    subdivision?: string | null;
    country: string;
  };
};

/** POST /customers (409 when the TRN already is a customer of this company). */
export const createCustomer = (input: CustomerInput) =>
  api<Customer>('/customers', { method: 'POST', json: input });

export function useCreateCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCustomer,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}
