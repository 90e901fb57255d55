import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { MfaMethod } from '@/lib/auth';

export type BackupCodes = { backup_codes: string[]; methods: MfaMethod[] };

/** POST /auth/mfa/totp/enable: confirms with a first code; the backup codes come this once. */
export const enableTotp = (code: string) =>
  api<BackupCodes>('/auth/mfa/totp/enable', { method: 'POST', json: { code } });

export function useEnableTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTotp,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
}
