import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { MfaMethod } from '@/lib/auth';

export type DisableMfaInput = {
  /** A fresh code of any method the user has (or a backup code). */
  code: string;
  /** One method to turn off; without it every method is turned off. */
  method?: Exclude<MfaMethod, 'backup_code'>;
};

/** POST /auth/mfa/disable: the methods left on (409 when the company requires one). */
export const disableMfa = ({ code, method }: DisableMfaInput) =>
  api<{ methods: MfaMethod[] }>('/auth/mfa/disable', {
    method: 'POST',
    json: method ? { code, method } : { code },
  });

export function useDisableMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disableMfa,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
}
