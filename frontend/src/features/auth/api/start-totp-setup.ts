import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

export type TotpSetup = { secret: string; otpauth_uri: string; qr_svg: string };

/** POST /auth/mfa/totp/setup: a new secret and its QR code (not active until confirmed). */
export const startTotpSetup = () => api<TotpSetup>('/auth/mfa/totp/setup', { method: 'POST' });

export function useStartTotpSetup() {
  return useMutation({ mutationFn: startTotpSetup });
}
