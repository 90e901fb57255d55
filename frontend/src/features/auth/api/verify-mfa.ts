import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { MfaMethod } from '@/lib/auth';

import type { LoginResponse } from './login';

export type VerifyMfaInput = { mfa_token: string; code: string; method: MfaMethod };

export const verifyMfa = (input: VerifyMfaInput) =>
  api<LoginResponse>('/auth/mfa/verify', { method: 'POST', json: input });

export function useVerifyMfa() {
  return useMutation({ mutationFn: verifyMfa });
}
