import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type RegisterCompanyInput = {
  legal_name: string;
  trn: string;
  email: string;
  phone: string;
  address: { line1: string; line2?: string | null; city: string; emirate: string; country: 'AE' };
  legal_registration: { type: string; id: string; authority?: string | null };
  admin: { full_name: string; email: string; password: string };
};

export type RegisteredCompany = {
  id: string;
  legal_name: string;
  status: string;
  email: string;
};

/** POST /auth/register-company: the company waits for approval by the platform team. */
export const registerCompany = (input: RegisterCompanyInput) =>
  api<RegisteredCompany>('/auth/register-company', { method: 'POST', json: input });

export function useRegisterCompany() {
  return useMutation({ mutationFn: registerCompany });
}
