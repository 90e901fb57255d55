import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** During sign-in: e-mail a new code (the previous one stops working). */
export const sendLoginEmailCode = (mfaToken: string) =>
  api<{ message: string }>('/auth/mfa/email/send', {
    method: 'POST',
    json: { mfa_token: mfaToken },
  });

export function useSendLoginEmailCode() {
  return useMutation({ mutationFn: sendLoginEmailCode });
}
