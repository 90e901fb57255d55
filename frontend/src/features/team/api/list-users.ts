import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api';
import type { Role } from '@/lib/permissions';

export type TeamUser = {
  id: string;
  email: string;
  full_name: string;
  role: Role;
  is_active: boolean;
  invitation_pending: boolean;
  last_login_at: string | null;
  created_at: string;
};

export type UsersPage = { items: TeamUser[]; total: number; page: number; page_size: number };

export const listUsers = (page: number, pageSize: number) =>
  api<UsersPage>('/users', { params: { page, page_size: pageSize } });

export const listUsersQueryOptions = (page: number, pageSize = 50) =>
  queryOptions({
    queryKey: ['users', { page, pageSize }],
    queryFn: () => listUsers(page, pageSize),
    placeholderData: keepPreviousData,
  });

export function useUsers(page: number, pageSize = 50) {
  return useQuery(listUsersQueryOptions(page, pageSize));
}
