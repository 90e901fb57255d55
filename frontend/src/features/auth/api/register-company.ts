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
  /** Lets the sign-up form attach the trade licence before anyone can sign in. */
  upload_token: string;
};

export type RegistrationDocument = {
  id: string;
  kind: string;
  filename: string;
  content_type: string;
  size_bytes: number;
};

/** POST /auth/register-company: the company waits for approval by the platform team. */
export const registerCompany = (input: RegisterCompanyInput) =>
  api<RegisteredCompany>('/auth/register-company', { method: 'POST', json: input });

export function useRegisterCompany() {
  return useMutation({ mutationFn: registerCompany });
}

export type UploadRegistrationDocumentInput = {
  uploadToken: string;
  file: File;
  kind: 'trade_licence' | 'other_registration';
};

/** POST /auth/register-company/documents: the licence (PDF, PNG or JPEG) of a new sign-up. */
export const uploadRegistrationDocument = ({
  uploadToken,
  file,
  kind,
}: UploadRegistrationDocumentInput) => {
  const body = new FormData();
  body.append('kind', kind);
  body.append('file', file, file.name);
  return api<RegistrationDocument>('/auth/register-company/documents', {
    method: 'POST',
    body,
    headers: { 'X-Registration-Token': uploadToken },
  });
};

export function useUploadRegistrationDocument() {
  return useMutation({ mutationFn: uploadRegistrationDocument });
}
