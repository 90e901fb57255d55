import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { BackupCodes } from './enable-totp';

/** POST /auth/mfa/backup-codes/regenerate: new codes (the old ones stop working). */
export const regenerateBackupCodes = (code: string) =>
  api<BackupCodes>('/auth/mfa/backup-codes/regenerate', { method: 'POST', json: { code } });

export function useRegenerateBackupCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: regenerateBackupCodes,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
}
