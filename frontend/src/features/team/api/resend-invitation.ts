import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { TeamUser } from './list-users';

/** POST /users/{id}/resend-invitation: a new link (the previous one stops working). */
export const resendInvitation = (id: string) =>
  api<TeamUser>(`/users/${encodeURIComponent(id)}/resend-invitation`, { method: 'POST' });

export function useResendInvitation() {
  return useMutation({ mutationFn: resendInvitation });
}
