import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { ApiError, api } from '@/lib/api';

export type ContentLocale = 'en' | 'ar';
export const CONTENT_LOCALES: ContentLocale[] = ['en', 'ar'];
export type BodyFormat = 'markdown' | 'html';
/** The API's rule for block keys, e.g. "home.hero". */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

/** One block in one locale, as the editor sees it (GET /admin/content). */
export type ContentBlock = {
  id: string;
  key: string;
  locale: ContentLocale;
  title: string;
  body: string;
  body_format: BodyFormat;
  body_html: string;
  image_url: string | null;
  published: boolean;
  version: number;
  updated_by_id: string | null;
  updated_at: string;
};

export type ContentVersion = {
  version: number;
  title: string;
  body: string;
  body_format: BodyFormat;
  image_url: string | null;
  published: boolean;
  created_by_id: string | null;
  created_at: string;
  restored_from: number | null;
};

export type ContentBlockInput = {
  key: string;
  locale: ContentLocale;
  title: string;
  body: string;
  body_format: BodyFormat;
  image_url: string | null;
  published: boolean;
};

export const contentBlocksQueryOptions = () =>
  queryOptions({
    queryKey: ['admin', 'content', 'blocks'],
    queryFn: () => api<ContentBlock[]>('/admin/content'),
  });

export function useContentBlocks() {
  return useQuery(contentBlocksQueryOptions());
}

const blockPath = (key: string) => `/admin/content/${encodeURIComponent(key)}`;

export const contentHistoryQueryOptions = (key: string, locale: ContentLocale) =>
  queryOptions({
    queryKey: ['admin', 'content', 'history', key, locale],
    queryFn: async () => {
      try {
        return await api<ContentVersion[]>(`${blockPath(key)}/history`, { params: { locale } });
      } catch (error) {
        // A block never saved in this locale has no history yet.
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }
    },
  });

export function useContentHistory(key: string, locale: ContentLocale, enabled: boolean) {
  return useQuery({ ...contentHistoryQueryOptions(key, locale), enabled });
}

function useInvalidateContent() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['admin', 'content'] }),
      // The public site reads the published blocks through this key.
      queryClient.invalidateQueries({ queryKey: ['content', 'public'] }),
    ]);
}

/** PUT /admin/content/{key}: saves a new version of the block in one locale. */
export const saveContentBlock = ({ key, ...body }: ContentBlockInput) =>
  api<ContentBlock>(blockPath(key), { method: 'PUT', json: body });

export function useSaveContentBlock() {
  const invalidate = useInvalidateContent();
  return useMutation({ mutationFn: saveContentBlock, onSuccess: invalidate });
}

export type RestoreInput = { key: string; locale: ContentLocale; version: number };

/** POST /admin/content/{key}/restore: a new version with the content of an older one. */
export const restoreContentBlock = ({ key, locale, version }: RestoreInput) =>
  api<ContentBlock>(`${blockPath(key)}/restore`, { method: 'POST', json: { locale, version } });

export function useRestoreContentBlock() {
  const invalidate = useInvalidateContent();
  return useMutation({ mutationFn: restoreContentBlock, onSuccess: invalidate });
}

/** POST /admin/content/preview: the body as the public site will show it (sanitised HTML). */
export const previewContent = (body: string, body_format: BodyFormat) =>
  api<{ html: string }>('/admin/content/preview', { method: 'POST', json: { body, body_format } });

export function useContentPreview(body: string, format: BodyFormat) {
  return useQuery({
    queryKey: ['admin', 'content', 'preview', format, body],
    queryFn: () => previewContent(body, format),
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  });
}
