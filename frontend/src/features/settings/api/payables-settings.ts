import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api';

/** The 3-way match tolerances (decimal strings). */
export type MatchingSettings = { full_match_amount: string; variance_percent: string };

export const payablesSettingsQueryOptions = () =>
  queryOptions({
    queryKey: ['payables', 'settings'],
    queryFn: () => api<{ matching: MatchingSettings }>('/payables/settings'),
  });

export function usePayablesSettings() {
  return useQuery(payablesSettingsQueryOptions());
}

export function useSaveMatchingSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (matching: MatchingSettings) =>
      api<{ matching: MatchingSettings }>('/payables/settings', {
        method: 'PUT',
        json: { matching },
      }),
    onSuccess: (saved) => queryClient.setQueryData(['payables', 'settings'], saved),
  });
}
