import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { TeamUser } from './list-users';

export type TeamRole = 'COMPANY_ADMIN' | 'FINANCE_USER';
export type InviteUserInput = { email: string; full_name: string; role: TeamRole };

/** POST /users: creates the user and e-mails a link to choose a password. */
export const inviteUser = (input: InviteUserInput) =>
  api<TeamUser>('/users', { method: 'POST', json: input });

export function useInviteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}
