import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { ApiError, api } from '@/lib/api';

export type SigningCertificate = {
  key_id: string;
  subject: string | null;
  issuer: string | null;
  serial_number: string | null;
  not_valid_before: string | null;
  not_valid_after: string | null;
  /** false: the self-signed certificate InvoLinks created */
  uploaded: boolean;
  created_at: string;
  certificate_pem: string | null;
  public_key_pem: string;
};

export const signingCertificateQueryOptions = () =>
  queryOptions({
    queryKey: ['company', 'signing-certificate'],
    queryFn: async () => {
      try {
        return await api<SigningCertificate>('/company/signing-certificate');
      } catch (error) {
        // No key yet: one is made at the first finalize, or the company uploads its own.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

export function useSigningCertificate() {
  return useQuery(signingCertificateQueryOptions());
}

export type CertificateUpload = { file: File; privateKey: string; password: string };

/** POST /company/signing-certificate (multipart): PKCS#12, or PEM certificate (+ key). */
export const uploadSigningCertificate = ({ file, privateKey, password }: CertificateUpload) => {
  const form = new FormData();
  form.append('file', file);
  if (privateKey.trim() !== '') form.append('private_key', privateKey);
  if (password !== '') form.append('password', password);
  return api<SigningCertificate>('/company/signing-certificate', { method: 'POST', body: form });
};

export function useUploadSigningCertificate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadSigningCertificate,
    onSuccess: (certificate) =>
      queryClient.setQueryData(['company', 'signing-certificate'], certificate),
  });
}
