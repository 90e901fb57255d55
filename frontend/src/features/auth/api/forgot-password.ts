import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** POST /auth/forgot-password: answered alike whether or not the address has an account. */
export const forgotPassword = (email: string) =>
  api<{ message: string }>('/auth/forgot-password', { method: 'POST', json: { email } });

export function useForgotPassword() {
  return useMutation({ mutationFn: forgotPassword });
}
