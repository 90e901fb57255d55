import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** POST /auth/mfa/email/confirm-code: e-mails a code that confirms a security change. */
export const sendConfirmationCode = () =>
  api<{ message: string }>('/auth/mfa/email/confirm-code', { method: 'POST' });

export function useSendConfirmationCode() {
  return useMutation({ mutationFn: sendConfirmationCode });
}
