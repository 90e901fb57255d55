import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** reset: the "forgot password" link; invite: the first password of an invited user. */
export type PasswordTokenPurpose = 'reset' | 'invite';

export type RedeemPasswordTokenInput = {
  purpose: PasswordTokenPurpose;
  token: string;
  new_password: string;
};

export const redeemPasswordToken = ({ purpose, token, new_password }: RedeemPasswordTokenInput) =>
  api<void>(purpose === 'reset' ? '/auth/reset-password' : '/auth/set-password', {
    method: 'POST',
    json: { token, new_password },
  });

export function useRedeemPasswordToken() {
  return useMutation({ mutationFn: redeemPasswordToken });
}
