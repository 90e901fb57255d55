import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { MfaMethod } from '@/lib/auth';

export type EmailEnableResult = {
  status: 'code_sent' | 'enabled';
  methods: MfaMethod[];
  backup_codes?: string[] | null;
};

/** POST /auth/mfa/email/enable: without a code e-mails one; with it turns e-mail codes on. */
export const enableEmailMfa = (code: string | null) =>
  api<EmailEnableResult>('/auth/mfa/email/enable', {
    method: 'POST',
    json: code === null ? {} : { code },
  });

export function useEnableEmailMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableEmailMfa,
    onSuccess: (result) => {
      if (result.status === 'enabled') void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}
