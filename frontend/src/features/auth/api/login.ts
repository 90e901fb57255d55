import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { MfaMethod } from '@/lib/auth';

export type LoginInput = { email: string; password: string };

/** POST /auth/login and /auth/mfa/verify: tokens, or the MFA step with its token. */
export type LoginResponse = {
  access_token?: string;
  token_type?: 'bearer';
  mfa_required?: boolean;
  mfa_token?: string;
  methods?: MfaMethod[];
  mfa_enrolment_required?: boolean;
};

export const login = (input: LoginInput) =>
  api<LoginResponse>('/auth/login', { method: 'POST', json: input });

export function useLogin() {
  return useMutation({ mutationFn: login });
}
