import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

import type { TeamRole } from './invite-user';
import type { TeamUser } from './list-users';

export type UpdateUserInput = { id: string; role?: TeamRole; is_active?: boolean };

/** PATCH /users/{id}: role and/or active flag (deactivation ends the user's sessions). */
export const updateUser = ({ id, ...changes }: UpdateUserInput) =>
  api<TeamUser>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', json: changes });

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}
